import type { Node, Pod } from '@keelson/api';
import {
  ActionType,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  isExtendedResourceName,
  NodeInfo,
  podRequests,
  type PreFilterPlugin,
  type PreScorePlugin,
  QueueingHint,
  type Resource,
  type ScorePlugin,
  Status,
} from '@keelson/scheduler';
import { leastAllocatedScorer, mostAllocatedScorer, podRequestList, requestedToCapacityRatioScorer, type ResourceSpec, type Scorer, type ScoringStrategy, scoreNode } from './scoring.js';

export const Name = 'NodeResourcesFit';
const preFilterKey = `PreFilter${Name}`;
const preScoreKey = `PreScore${Name}`;

export interface NodeResourcesFitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: ScoringStrategy;
}

export const defaultResources: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

export const defaultArgs: NodeResourcesFitArgs = { scoringStrategy: { type: 'LeastAllocated', resources: defaultResources } };

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

export class InvalidArgsError extends Error {
  override readonly name = 'InvalidArgsError';
}

/** kube's ValidateNodeResourcesFitArgs (the scoring parts). */
export function validateArgs(args: NodeResourcesFitArgs): void {
  const s = args.scoringStrategy;
  const type = s?.type ?? 'LeastAllocated';
  if (!['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'].includes(type)) throw new InvalidArgsError(`scoringStrategy.type: Unsupported value: "${type}"`);
  (s?.resources ?? []).forEach((r, i) => {
    if (!(r.weight >= 1 && r.weight <= 100)) throw new InvalidArgsError(`scoringStrategy.resources[${i}].weight: Invalid value: ${r.weight}: resource weight of ${r.name} not in valid range [1, 100]`);
  });
  if (type === 'RequestedToCapacityRatio' && !s?.requestedToCapacityRatio?.shape?.length) throw new InvalidArgsError('scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified');
}

/**
 * kube's NodeResourcesFit: Filter checks the pod's requests (containers, init containers, sidecars
 * and overhead) against allocatable minus what the node's pods request ("Insufficient cpu", "Too
 * many pods"); Score per the scoring strategy.
 */
export class Fit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Name;
  private readonly ignored: Set<string>;
  private readonly ignoredGroups: Set<string>;
  readonly resources: ResourceSpec[] | undefined;
  private readonly scorer: Scorer;

  constructor(args: NodeResourcesFitArgs = defaultArgs) {
    validateArgs(args);
    this.ignored = new Set(args.ignoredResources ?? []);
    this.ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
    const s = args.scoringStrategy ?? {};
    this.resources = s.resources;
    const resources = s.resources ?? [];
    this.scorer =
      s.type === 'MostAllocated' ? mostAllocatedScorer(resources) : s.type === 'RequestedToCapacityRatio' ? requestedToCapacityRatioScorer(resources, s.requestedToCapacityRatio!.shape) : leastAllocatedScorer(resources);
  }

  preFilter(state: CycleState, pod: Pod): undefined {
    state.write(preFilterKey, podRequests(pod));
    return undefined;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const req = state.read<Resource>(preFilterKey) ?? podRequests(pod);
    if (fitsQuick(req, nodeInfo)) return undefined;
    const insufficient = fitsRequest(req, nodeInfo, this.ignored, this.ignoredGroups);
    return insufficient.length ? Status.unschedulable(...insufficient.map((r) => r.reason)) : undefined;
  }

  preScore(state: CycleState, pod: Pod): undefined {
    state.write(preScoreKey, podRequestList(pod, this.resources ?? []));
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status {
    const req = state.read<number[]>(preScoreKey) ?? podRequestList(pod, this.resources ?? []);
    return scoreNode(nodeInfo, req, this.resources, this.scorer);
  }

  eventsToRegister() {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Delete } },
      {
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable },
        queueingHintFn: (pod: Pod, _old: unknown, obj: unknown) => {
          const node = obj as Node | undefined;
          if (!node) return QueueingHint.Queue;
          return fitsNode(pod, node) ? QueueingHint.Queue : QueueingHint.Skip;
        },
      },
    ];
  }
}

/** Would the pod fit this node if it were empty? (a new or grown node can only help then) */
function fitsNode(pod: Pod, node: Node): boolean {
  const ni = new NodeInfo();
  ni.setNode(node);
  return fitsRequest(podRequests(pod), ni, new Set(), new Set()).length === 0;
}


/** The common case without allocating: pod count, cpu, memory and ephemeral storage fit, no extended resources asked. */
function fitsQuick(req: Resource, nodeInfo: NodeInfo): boolean {
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  return (
    nodeInfo.pods.length + 1 <= alloc.allowedPodNumber &&
    req.scalarResources.size === 0 &&
    (req.milliCPU === 0 || req.milliCPU <= alloc.milliCPU - used.milliCPU) &&
    (req.memory === 0 || req.memory <= alloc.memory - used.memory) &&
    (req.ephemeralStorage === 0 || req.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage)
  );
}

/** kube's fitsRequest: every insufficient resource, in kube's order (pods, cpu, memory, ephemeral-storage, extended). */
export function fitsRequest(req: Resource, nodeInfo: NodeInfo, ignored: ReadonlySet<string> = new Set(), ignoredGroups: ReadonlySet<string> = new Set()): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (nodeInfo.pods.length + 1 > alloc.allowedPodNumber) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: nodeInfo.pods.length, capacity: alloc.allowedPodNumber });
  }
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalarResources.size === 0) return out;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) out.push({ resourceName: 'cpu', reason: 'Insufficient cpu', requested: req.milliCPU, used: used.milliCPU, capacity: alloc.milliCPU });
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) out.push({ resourceName: 'memory', reason: 'Insufficient memory', requested: req.memory, used: used.memory, capacity: alloc.memory });
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push({ resourceName: 'ephemeral-storage', reason: 'Insufficient ephemeral-storage', requested: req.ephemeralStorage, used: used.ephemeralStorage, capacity: alloc.ephemeralStorage });
  }
  for (const [name, q] of req.scalarResources) {
    if (q === 0) continue;
    if (isExtendedResourceName(name) && (ignored.has(name) || ignoredGroups.has(name.split('/')[0]!))) continue;
    const a = alloc.scalarResources.get(name) ?? 0;
    const u = used.scalarResources.get(name) ?? 0;
    if (q > a - u) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used: u, capacity: a });
  }
  return out;
}
