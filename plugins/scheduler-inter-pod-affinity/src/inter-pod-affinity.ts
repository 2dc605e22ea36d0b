import type { Namespace, Pod } from '@keelson/api';
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
import { computePreFilterState, ErrReasonAffinityRulesNotMatch, ErrReasonAntiAffinityRulesNotMatch, ErrReasonExistingAntiAffinityRulesNotMatch, PreFilterState, satisfyExistingPodsAntiAffinity, satisfyPodAffinity, satisfyPodAntiAffinity } from './filtering.js';
import { computePreScoreState, normalize, type PreScoreState, scoreNode } from './scoring.js';
import type { NamespaceLister } from './terms.js';

export const Name = 'InterPodAffinity';
const preFilterStateKey = `PreFilter${Name}`;
const preScoreStateKey = `PreScore${Name}`;

/** InterPodAffinityArgs (kube's defaults: hardPodAffinityWeight 1). */
export interface InterPodAffinityArgs {
  /** Score weight of existing pods' required affinity terms the incoming pod matches (0..100). */
  hardPodAffinityWeight?: number;
  /** Ignore existing pods' preferred terms when the incoming pod has none of its own. */
  ignorePreferredTermsOfExistingPods?: boolean;
}

export const defaultInterPodAffinityArgs: Required<InterPodAffinityArgs> = { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false };

/** kube's ValidateInterPodAffinityArgs. */
export function validateInterPodAffinityArgs(args: InterPodAffinityArgs): void {
  const w = args.hardPodAffinityWeight;
  if (w !== undefined && (!Number.isInteger(w) || w < 0 || w > 100)) throw new Error(`hardPodAffinityWeight: Invalid value: ${w}: not in valid range [0-100]`);
}

/** A NamespaceLister over the Namespace informer of the scheduler's factory. */
export function namespaceListerFrom(handle: Handle): NamespaceLister | undefined {
  const informers = handle.informers as Partial<Handle['informers']>;
  if (typeof informers?.lister !== 'function') return undefined;
  const ref = { apiVersion: 'v1', kind: 'Namespace' };
  const lister = informers.lister<Namespace>(ref);
  void informers.informerFor?.(ref).start().catch(() => {});
  return {
    labels: (name) => lister.get(name)?.metadata.labels,
    list: () => lister.list().map((n) => ({ name: n.metadata.name!, labels: n.metadata.labels })),
  };
}

/**
 * kube's InterPodAffinity: required pod affinity / anti-affinity of the incoming pod and the
 * required anti-affinity of existing pods (Filter, counted per topology pair in PreFilter);
 * preferred terms of both sides and existing pods' required affinity (Score).
 */
export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Name;
  private readonly args: Required<InterPodAffinityArgs>;

  constructor(
    private readonly handle: Pick<Handle, 'snapshotSharedLister'>,
    args: InterPodAffinityArgs = {},
    private readonly nsLister?: NamespaceLister,
  ) {
    validateInterPodAffinityArgs(args);
    this.args = { ...defaultInterPodAffinityArgs, ...args };
  }

  preFilter(state: CycleState, pod: Pod): Status | undefined {
    const lister = this.handle.snapshotSharedLister().nodeInfos();
    const s = computePreFilterState(pod, lister.list(), lister.havePodsWithRequiredAntiAffinityList(), this.nsLister, lister.podGroups?.());
    if (s.existingAntiAffinityCounts.empty() && s.requiredAffinity.length === 0 && s.requiredAntiAffinity.length === 0) return Status.skip();
    state.write(preFilterStateKey, s);
    return undefined;
  }

  preFilterExtensions(): PreFilterExtensions {
    const update = (state: CycleState, pi: PodInfo, nodeInfo: NodeInfo, m: 1 | -1) => {
      const s = state.read<PreFilterState>(preFilterStateKey);
      const node = nodeInfo.node();
      if (!s || !node) return Status.error(new Error(`reading "${preFilterStateKey}" from cycleState: not found`));
      s.updateWithPod(pi.pod, node, m);
      return undefined;
    };
    return {
      addPod: (state, _pod, pi, ni) => update(state, pi, ni, 1),
      removePod: (state, _pod, pi, ni) => update(state, pi, ni, -1),
    };
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const s = state.read<PreFilterState>(preFilterStateKey);
    if (!s) return Status.error(new Error(`error reading "${preFilterStateKey}" from cycleState: not found`));
    const node = nodeInfo.node();
    if (!node) return Status.error(new Error('node not found'));
    if (!satisfyPodAffinity(s, node)) return Status.unresolvable(ErrReasonAffinityRulesNotMatch);
    if (!satisfyPodAntiAffinity(s, node)) return Status.unschedulable(ErrReasonAntiAffinityRulesNotMatch);
    if (!satisfyExistingPodsAntiAffinity(s, node)) return Status.unschedulable(ErrReasonExistingAntiAffinityRulesNotMatch);
    return undefined;
  }

  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | undefined {
    if (nodes.length === 0) return undefined;
    const s = computePreScoreState(pod, this.handle.snapshotSharedLister().nodeInfos(), this.nsLister, this.args);
    if (!s) return Status.skip();
    state.write(preScoreStateKey, s);
    return undefined;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number | Status {
    const s = state.read<PreScoreState>(preScoreStateKey);
    if (!s) return Status.error(new Error(`error reading "${preScoreStateKey}" from cycleState: not found`));
    const node = nodeInfo.node();
    return node ? scoreNode(s, node) : 0;
  }

  scoreExtensions() {
    return { normalizeScore: (state: CycleState, _p: Pod, scores: NodeScore[]) => normalize(state.read<PreScoreState>(preScoreStateKey), scores) };
  }

  eventsToRegister() {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel } },
    ];
  }
}
