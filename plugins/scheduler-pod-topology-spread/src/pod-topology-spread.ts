import type { Pod, TopologySpreadConstraint } from '@keelson/api';
import {
  ActionType,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type NodeInfo,
  type NodeScore,
  type PodInfo,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  Status,
} from '@keelson/scheduler';
import { type Constraint, filterConstraints } from './common.js';
import { buildDefaultConstraints, type SelectorSources, systemDefaultConstraints } from './default-constraints.js';
import { calPreFilterState, filterNode, PreFilterState } from './filtering.js';
import { calPreScoreState, normalize, type PreScoreState, scoreNode } from './scoring.js';

export const Name = 'PodTopologySpread';
const preFilterStateKey = `PreFilter${Name}`;
const preScoreStateKey = `PreScore${Name}`;

/** PodTopologySpreadArgs. */
export interface PodTopologySpreadArgs {
  /** Constraints for pods that have none (defaultingType List). */
  defaultConstraints?: TopologySpreadConstraint[];
  /** System (kube's built-in defaults) or List (defaultConstraints). Default System. */
  defaultingType?: 'System' | 'List';
}

/** kube's defaulting: List when defaultConstraints are given, System otherwise. */
export function defaultingType(args: PodTopologySpreadArgs): 'System' | 'List' {
  return args.defaultingType ?? (args.defaultConstraints?.length ? 'List' : 'System');
}

/** kube's ValidatePodTopologySpreadArgs (the parts that matter here). */
export function validatePodTopologySpreadArgs(args: PodTopologySpreadArgs): void {
  const type = defaultingType(args);
  if (type !== 'System' && type !== 'List') throw new Error(`defaultingType: Unsupported value: "${type}": supported values: "List", "System"`);
  if (type === 'System' && args.defaultConstraints?.length) throw new Error('defaultingType: Invalid value: "System": when .defaultConstraints are not empty');
  for (const [i, c] of (args.defaultConstraints ?? []).entries()) {
    if (!(c.maxSkew > 0)) throw new Error(`defaultConstraints[${i}].maxSkew: Invalid value: ${c.maxSkew}: must be greater than zero`);
    if (!c.topologyKey) throw new Error(`defaultConstraints[${i}].topologyKey: Required value: can not be empty`);
    if (c.labelSelector) throw new Error(`defaultConstraints[${i}].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod`);
  }
}

/**
 * kube's PodTopologySpread: DoNotSchedule constraints filter nodes by skew (PreFilter counts
 * matching pods per domain), ScheduleAnyway constraints (and the default constraints of pods that
 * have none but belong to a Service / ReplicationController / ReplicaSet / StatefulSet) score them.
 */
export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Name;
  private readonly defaultConstraints: TopologySpreadConstraint[];
  private readonly systemDefaulted: boolean;

  constructor(
    private readonly handle: Pick<Handle, 'snapshotSharedLister'>,
    args: PodTopologySpreadArgs = {},
    private readonly sources?: SelectorSources,
  ) {
    validatePodTopologySpreadArgs(args);
    this.systemDefaulted = defaultingType(args) === 'System';
    this.defaultConstraints = this.systemDefaulted ? systemDefaultConstraints : (args.defaultConstraints ?? []);
  }

  /** kube's getConstraints for a whenUnsatisfiable action. */
  constraints(pod: Pod, action: TopologySpreadConstraint['whenUnsatisfiable']): Constraint[] {
    const own = pod.spec?.topologySpreadConstraints;
    if (own?.length) return filterConstraints(own, pod.metadata.labels, action);
    return buildDefaultConstraints(pod, this.defaultConstraints, action, this.sources);
  }

  preFilter(state: CycleState, pod: Pod): Status | undefined {
    const constraints = this.constraints(pod, 'DoNotSchedule');
    if (constraints.length === 0) return Status.skip();
    const lister = this.handle.snapshotSharedLister().nodeInfos();
    state.write(preFilterStateKey, calPreFilterState(pod, constraints, lister.list(), lister.podGroups?.()));
    return undefined;
  }

  preFilterExtensions(): PreFilterExtensions {
    const update = (state: CycleState, preemptor: Pod, pi: PodInfo, ni: NodeInfo, delta: number) => {
      const s = state.read<PreFilterState>(preFilterStateKey);
      const node = ni.node();
      if (!s) return Status.error(new Error(`reading "${preFilterStateKey}" from cycleState: not found`));
      if (node) s.updateWithPod(pi.pod, preemptor, node, delta);
      return undefined;
    };
    return {
      addPod: (state, pod, pi, ni) => update(state, pod, pi, ni, 1),
      removePod: (state, pod, pi, ni) => update(state, pod, pi, ni, -1),
    };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const s = state.read<PreFilterState>(preFilterStateKey);
    if (!s) return Status.error(new Error(`error reading "${preFilterStateKey}" from cycleState: not found`));
    const node = nodeInfo.node();
    if (!node) return Status.error(new Error('node not found'));
    const r = filterNode(s, pod, node);
    return r ? new Status(r.code, [r.reason]) : undefined;
  }

  preScore(state: CycleState, pod: Pod, filteredNodes: readonly NodeInfo[]): Status | undefined {
    const lister = this.handle.snapshotSharedLister().nodeInfos();
    const allNodes = lister.list();
    if (filteredNodes.length === 0 || allNodes.length === 0) return Status.skip();
    const constraints = this.constraints(pod, 'ScheduleAnyway');
    if (constraints.length === 0) return Status.skip();
    // Only non-system-default spreading requires every topology label (nodes without a zone still get hostname spreading).
    const requireAll = !!pod.spec?.topologySpreadConstraints?.length || !this.systemDefaulted;
    state.write(preScoreStateKey, calPreScoreState(pod, constraints, filteredNodes, allNodes, requireAll, lister.podGroups?.()));
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status {
    const s = state.read<PreScoreState>(preScoreStateKey);
    if (!s) return Status.error(new Error(`error reading "${preScoreStateKey}" from cycleState: not found`));
    return scoreNode(s, pod, nodeInfo);
  }

  scoreExtensions() {
    return { normalizeScore: (state: CycleState, _p: Pod, scores: NodeScore[]) => normalize(state.read<PreScoreState>(preScoreStateKey), scores) };
  }

  eventsToRegister() {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint } },
    ];
  }
}
