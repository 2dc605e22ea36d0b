import { type Container, type Pod, type ResourceList, tryParseQuantity } from '@keelson/api';

/** Default request used for scoring a container that requests no cpu (kube's DefaultMilliCPURequest). */
export const DefaultMilliCPURequest = 100;
/** Default memory request for scoring a container that requests none: 200 MB (kube's DefaultMemoryRequest). */
export const DefaultMemoryRequest = 200 * 1024 * 1024;

/**
 * Resources in the scheduler's units: milli-cpu, bytes, pod count, and extended ("scalar")
 * resources as integers (kube's framework.Resource).
 */
export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  /** Only meaningful for allocatable: how many pods fit. */
  allowedPodNumber = 0;
  scalarResources = new Map<string, number>();

  static fromList(list: ResourceList | undefined): Resource {
    const r = new Resource();
    r.add(list);
    return r;
  }

  /** Adds every quantity of a ResourceList. */
  add(list: ResourceList | undefined): void {
    if (!list) return;
    for (const [name, q] of Object.entries(list)) this.addValue(name, resourceValue(name, q));
  }

  addValue(name: string, v: number): void {
    switch (name) {
      case 'cpu':
        this.milliCPU += v;
        break;
      case 'memory':
        this.memory += v;
        break;
      case 'ephemeral-storage':
        this.ephemeralStorage += v;
        break;
      case 'pods':
        this.allowedPodNumber += v;
        break;
      default:
        if (isScalarResourceName(name)) this.scalarResources.set(name, (this.scalarResources.get(name) ?? 0) + v);
    }
  }

  get(name: string): number {
    switch (name) {
      case 'cpu':
        return this.milliCPU;
      case 'memory':
        return this.memory;
      case 'ephemeral-storage':
        return this.ephemeralStorage;
      case 'pods':
        return this.allowedPodNumber;
      default:
        return this.scalarResources.get(name) ?? 0;
    }
  }

  plus(other: Resource, sign = 1): void {
    this.milliCPU += sign * other.milliCPU;
    this.memory += sign * other.memory;
    this.ephemeralStorage += sign * other.ephemeralStorage;
    this.allowedPodNumber += sign * other.allowedPodNumber;
    for (const [k, v] of other.scalarResources) this.scalarResources.set(k, (this.scalarResources.get(k) ?? 0) + sign * v);
  }

  /** Raises each resource to at least other's value. */
  max(other: Resource): void {
    this.milliCPU = Math.max(this.milliCPU, other.milliCPU);
    this.memory = Math.max(this.memory, other.memory);
    this.ephemeralStorage = Math.max(this.ephemeralStorage, other.ephemeralStorage);
    this.allowedPodNumber = Math.max(this.allowedPodNumber, other.allowedPodNumber);
    for (const [k, v] of other.scalarResources) this.scalarResources.set(k, Math.max(this.scalarResources.get(k) ?? 0, v));
  }

  clone(): Resource {
    const r = new Resource();
    r.plus(this);
    return r;
  }
}

/** cpu in milli-units, everything else in whole units (rounded up, as Quantity.Value). */
export function resourceValue(name: string, q: string | undefined): number {
  const parsed = tryParseQuantity(q);
  if (!parsed) return 0;
  return name === 'cpu' ? parsed.milliValue() : parsed.value();
}

/** Extended resources (example.com/gpu), hugepages-*, attachable-volumes-*: tracked as scalars. */
export function isScalarResourceName(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

/** Extended resources: a domain-qualified name outside kubernetes.io/, and not requests.*. */
export function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.startsWith('kubernetes.io/') || name.includes('.kubernetes.io/')) return false;
  return !name.startsWith('requests.');
}

export interface PodRequestOptions {
  /** Give containers without a cpu/memory request kube's defaults (100m, 200 MB), for scoring. */
  nonMissing?: boolean;
}

function containerRequests(c: Container, opts: PodRequestOptions): Resource {
  const r = Resource.fromList(c.resources?.requests);
  if (opts.nonMissing) {
    if (c.resources?.requests?.cpu === undefined) r.milliCPU = DefaultMilliCPURequest;
    if (c.resources?.requests?.memory === undefined) r.memory = DefaultMemoryRequest;
  }
  return r;
}

/**
 * What a pod asks of a node (kube's resource.PodRequests): the sum of its containers plus its
 * sidecars (restartable init containers), at least any init container on top of the sidecars started
 * before it, plus the pod overhead.
 */
export function podRequests(pod: Pod, opts: PodRequestOptions = {}): Resource {
  const spec = pod.spec;
  const reqs = new Resource();
  for (const c of spec?.containers ?? []) reqs.plus(containerRequests(c, opts));
  const sidecars = new Resource();
  const initMax = new Resource();
  for (const c of spec?.initContainers ?? []) {
    const cr = containerRequests(c, opts);
    if (c.restartPolicy === 'Always') {
      sidecars.plus(cr);
      initMax.max(sidecars);
    } else {
      cr.plus(sidecars);
      initMax.max(cr);
    }
  }
  reqs.plus(sidecars);
  reqs.max(initMax);
  if (spec?.overhead) reqs.add(spec.overhead);
  return reqs;
}
