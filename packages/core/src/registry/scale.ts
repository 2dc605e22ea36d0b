import { ApiError, badRequest, type KubeObject, type LabelSelector, labelSelectorAsSelector, type ScaleSubresource, selectorFromSet } from '@keelson/api';
import type { PatchType } from '../client/client.js';
import { applyPatch } from './patch.js';
import type { ResourceStore } from './resource-store.js';

/** autoscaling/v1 Scale: the replicas view of a scalable object. */
export interface Scale extends KubeObject {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

function pathOf(jsonPath: string): string[] {
  return jsonPath.replace(/^\./, '').split('.').filter(Boolean);
}

function read(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

function write(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function scaleSpec(rs: ResourceStore): ScaleSubresource {
  const spec = rs.kind.subresources?.scale;
  if (!spec) throw new ApiError(404, 'NotFound', `${rs.kind.plural}/scale is not served`);
  return spec;
}

/**
 * The serialized selector at labelSelectorPath: a string as is (custom resources), a
 * metav1.LabelSelector (apps/v1 kinds' spec.selector) or a label map (a ReplicationController's
 * spec.selector) in its canonical string form, as kube-apiserver's scale storages print them.
 */
function selectorString(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  try {
    const isLabelMap = entries.every(([, v]) => typeof v === 'string');
    const s = isLabelMap ? selectorFromSet(value as Record<string, string>).toString() : labelSelectorAsSelector(value as LabelSelector).toString();
    return s || undefined;
  } catch {
    return undefined;
  }
}

/** The Scale of an object, as kube-apiserver derives it from the kind's scale paths. */
export function toScale(rs: ResourceStore, obj: KubeObject): Scale {
  const spec = scaleSpec(rs);
  const selector = spec.labelSelectorPath ? selectorString(read(obj, pathOf(spec.labelSelectorPath))) : undefined;
  const m = obj.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: (read(obj, pathOf(spec.specReplicasPath)) as number | undefined) ?? 0 },
    status: { replicas: (read(obj, pathOf(spec.statusReplicasPath)) as number | undefined) ?? 0, ...(selector ? { selector } : {}) },
  };
}

export async function getScale(rs: ResourceStore, name: string, namespace?: string): Promise<Scale> {
  return toScale(rs, await rs.get(name, namespace));
}

/** Writes spec.replicas from a Scale (its resourceVersion, when set, is a precondition). */
export async function updateScale(rs: ResourceStore, name: string, scale: Scale, opts: { namespace?: string; dryRun?: boolean } = {}): Promise<Scale> {
  const spec = scaleSpec(rs);
  const replicas = scale?.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  // A merge patch of the replicas field only, applied to the newest object (with the Scale's
  // resourceVersion as precondition when it carries one).
  const body: Record<string, unknown> = {};
  write(body, pathOf(spec.specReplicasPath), replicas);
  if (scale.metadata?.resourceVersion) body.metadata = { resourceVersion: scale.metadata.resourceVersion };
  const updated = await rs.patch(name, 'merge', body, { namespace: opts.namespace, dryRun: opts.dryRun });
  return toScale(rs, updated);
}

/** kubectl scale: a merge (or JSON, or strategic) patch of the Scale. */
export async function patchScale(rs: ResourceStore, name: string, type: PatchType, patch: unknown, opts: { namespace?: string; dryRun?: boolean } = {}): Promise<Scale> {
  if (type === 'apply') throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply is not supported yet by this build');
  const current = await getScale(rs, name, opts.namespace);
  const patched = applyPatch(current, type, patch) as Scale;
  if (!patched?.spec) throw badRequest('the patch removed spec from the Scale');
  return updateScale(rs, name, { ...patched, metadata: { ...patched.metadata, resourceVersion: patched.metadata.resourceVersion === current.metadata.resourceVersion ? undefined : patched.metadata.resourceVersion } }, opts);
}
