import type { Pod } from '@keelson/api';
import { ActionType, type CycleState, type EnqueueExtensions, MaxNodeScore, type NodeInfo, podRequests, type PreScorePlugin, type ScorePlugin, Status } from '@keelson/scheduler';

export const Name = 'NodeResourcesBalancedAllocation';
const preScoreStateKey = `PreScore${Name}`;

export interface ResourceSpec {
  name: string;
  weight?: number;
}

/** NodeResourcesBalancedAllocationArgs (kube's default: cpu and memory, weight 1). */
export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

export const defaultBalancedAllocationArgs = { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] };

function isScalar(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

/**
 * kube's balancedResourceScorer: 100 × (1 − the standard deviation of the requested/allocatable
 * fractions), each fraction capped at 1.
 */
export function balancedResourceScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(requested[i]! / allocatable[i]!, 1);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MaxNodeScore);
}

/** balancedResourceScore for exactly cpu and memory (the default), without allocating. */
function cpuMemoryScore(nodeInfo: NodeInfo, podCPU: number, podMemory: number): number {
  const ac = nodeInfo.allocatable.milliCPU;
  const am = nodeInfo.allocatable.memory;
  if (ac === 0 || am === 0) return balancedResourceScore([nodeInfo.requested.milliCPU + podCPU, nodeInfo.requested.memory + podMemory], [ac, am]);
  const fc = Math.min((nodeInfo.requested.milliCPU + podCPU) / ac, 1);
  const fm = Math.min((nodeInfo.requested.memory + podMemory) / am, 1);
  return Math.trunc((1 - Math.abs((fc - fm) / 2)) * MaxNodeScore);
}

/**
 * kube's NodeResourcesBalancedAllocation: favours nodes whose cpu and memory (or the configured
 * resources) would be used in the same proportion once the pod is there (node requests + the
 * pod's, without kube's non-zero defaults).
 */
export class BalancedAllocation implements PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Name;
  private readonly resources: string[];
  /** The default resources: scored without building per-node arrays. */
  private readonly cpuMemory: boolean;

  constructor(args: BalancedAllocationArgs = {}) {
    const resources = args.resources ?? defaultBalancedAllocationArgs.resources;
    resources.forEach((r, i) => {
      if (!r.name) throw new Error(`resources[${i}].name: Required value`);
      if (r.weight !== undefined && r.weight !== 1) throw new Error(`resources[${i}].weight: Invalid value: ${r.weight}: must be 1`);
    });
    this.resources = resources.map((r) => r.name);
    this.cpuMemory = this.resources.length === 2 && this.resources[0] === 'cpu' && this.resources[1] === 'memory';
  }

  preScore(state: CycleState, pod: Pod): Status | undefined {
    const req = podRequests(pod);
    state.write(preScoreStateKey, this.resources.map((name) => req.get(name)));
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status {
    if (!nodeInfo.node()) return Status.error(new Error('node not found'));
    const podReq = state.read<number[]>(preScoreStateKey) ?? this.resources.map((name) => podRequests(pod).get(name));
    if (this.cpuMemory) return cpuMemoryScore(nodeInfo, podReq[0]!, podReq[1]!);
    const requested: number[] = [];
    const allocatable: number[] = [];
    this.resources.forEach((name, i) => {
      const pr = podReq[i]!;
      if (pr === 0 && isScalar(name)) {
        requested.push(0);
        allocatable.push(0);
        return;
      }
      const alloc = nodeInfo.allocatable.get(name);
      allocatable.push(alloc);
      requested.push(alloc === 0 ? 0 : nodeInfo.requested.get(name) + pr);
    });
    return balancedResourceScore(requested, allocatable);
  }

  eventsToRegister() {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Delete } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } },
    ];
  }
}
