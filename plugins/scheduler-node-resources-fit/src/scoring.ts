import type { Pod } from '@keelson/api';
import { MaxNodeScore, type NodeInfo, podRequests, type Resource, Status } from '@keelson/scheduler';

export interface ResourceSpec {
  name: string;
  weight: number;
}

export interface UtilizationShapePoint {
  /** 0..100 */
  utilization: number;
  /** 0..10 */
  score: number;
}

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface ScoringStrategy {
  type?: ScoringStrategyType;
  resources?: ResourceSpec[];
  requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
}

/** Scores one node from per-resource requested and allocatable values. */
export type Scorer = (requested: number[], allocatable: number[]) => number;

/** kube's leastRequestedScore: the free share of a resource, 0..100. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MaxNodeScore) / capacity);
}

/** kube's mostRequestedScore: the used share of a resource, 0..100 (over-commit counts as full). */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MaxNodeScore) / capacity);
}

function weighted(resources: ResourceSpec[], per: (r: number, a: number) => number): Scorer {
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      score += per(requested[i]!, allocatable[i]!) * resources[i]!.weight;
      weights += resources[i]!.weight;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  };
}

export const leastAllocatedScorer = (resources: ResourceSpec[]): Scorer => weighted(resources, leastRequestedScore);
export const mostAllocatedScorer = (resources: ResourceSpec[]): Scorer => weighted(resources, mostRequestedScore);

/** kube's buildBrokenLinearFunction over a shape already scaled to 0..100 scores. */
export function brokenLinear(shape: UtilizationShapePoint[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      if (p <= shape[i]!.utilization) {
        if (i === 0) return shape[0]!.score;
        const a = shape[i - 1]!;
        const b = shape[i]!;
        return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
      }
    }
    return shape[shape.length - 1]!.score;
  };
}

/** kube's requestedToCapacityRatioScorer (shape scores 0..10 scaled ×10; rounded weighted mean of positive scores). */
export function requestedToCapacityRatioScorer(resources: ResourceSpec[], shape: UtilizationShapePoint[]): Scorer {
  const f = brokenLinear(shape.map((p) => ({ utilization: p.utilization, score: p.score * (MaxNodeScore / 10) })));
  const resourceScore = (requested: number, capacity: number) => (capacity === 0 || requested > capacity ? f(100) : f(Math.trunc((requested * 100) / capacity)));
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const s = resourceScore(requested[i]!, allocatable[i]!);
      if (s > 0) {
        score += s * resources[i]!.weight;
        weights += resources[i]!.weight;
      }
    }
    return weights === 0 ? 0 : Math.round(score / weights);
  };
}

function isScalar(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

/** The pod's request per scored resource (kube: containers without cpu/memory requests count 100m / 200 MB). */
export function podRequestList(pod: Pod, resources: ResourceSpec[]): number[] {
  const r: Resource = podRequests(pod, { nonMissing: true });
  return resources.map((s) => r.get(s.name));
}

/**
 * kube's resourceAllocationScorer.score: allocatable vs (node's non-zero requests + the pod's) per
 * resource; an extended resource the pod does not request is left out.
 */
export function scoreNode(nodeInfo: NodeInfo, podRequest: number[], resources: ResourceSpec[] | undefined, scorer: Scorer): number | Status {
  if (!nodeInfo.node()) return Status.error(new Error('node not found'));
  if (!resources || resources.length === 0) return Status.error(new Error('resources not found'));
  const requested: number[] = [];
  const allocatable: number[] = [];
  resources.forEach((spec, i) => {
    const pr = podRequest[i]!;
    const name = spec.name;
    if (pr === 0 && isScalar(name)) {
      requested.push(0);
      allocatable.push(0);
      return;
    }
    switch (name) {
      case 'cpu':
        allocatable.push(nodeInfo.allocatable.milliCPU);
        requested.push(nodeInfo.nonZeroRequested.milliCPU + pr);
        break;
      case 'memory':
        allocatable.push(nodeInfo.allocatable.memory);
        requested.push(nodeInfo.nonZeroRequested.memory + pr);
        break;
      case 'ephemeral-storage':
        allocatable.push(nodeInfo.allocatable.ephemeralStorage);
        requested.push(nodeInfo.requested.ephemeralStorage + pr);
        break;
      default: {
        const alloc = nodeInfo.allocatable.scalarResources.get(name);
        allocatable.push(alloc ?? 0);
        requested.push(alloc === undefined ? 0 : (nodeInfo.requested.scalarResources.get(name) ?? 0) + pr);
      }
    }
  });
  return scorer(requested, allocatable);
}
