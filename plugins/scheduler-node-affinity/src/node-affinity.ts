import type { Affinity, Node, Pod } from '@keelson/api';
import {
  ActionType,
  type CycleState,
  defaultNormalizeScore,
  type EnqueueExtensions,
  type FilterPlugin,
  NodeSelectorMatcher,
  type NodeInfo,
  type NodeScore,
  PreferredSchedulingTerms,
  type PreFilterPlugin,
  type PreFilterReturn,
  type PreScorePlugin,
  RequiredNodeAffinity,
  type ScorePlugin,
  Status,
} from '@keelson/scheduler';

export const Name = 'NodeAffinity';
/** kube's ErrReasonPod. */
export const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
/** kube's errReasonEnforced (the addedAffinity of the plugin args). */
export const ErrReasonEnforced = "node(s) didn't match scheduler-enforced node affinity";
/** kube's errReasonConflict (matchFields metadata.name terms with no node in common). */
export const ErrReasonConflict = 'pod affinity terms conflict';

const preFilterStateKey = `PreFilter${Name}`;
const preScoreStateKey = `PreScore${Name}`;

/** NodeAffinityArgs: node affinity added to every pod of the profile. */
export interface NodeAffinityArgs {
  addedAffinity?: NonNullable<Affinity['nodeAffinity']>;
}

/**
 * kube's NodeAffinity: spec.nodeSelector and required node affinity terms filter nodes (PreFilter
 * narrows to the nodes named by matchFields metadata.name), preferred terms score them.
 */
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Name;
  private readonly addedNodeSelector?: NodeSelectorMatcher;
  private readonly addedPrefSchedTerms?: PreferredSchedulingTerms;

  constructor(args: NodeAffinityArgs = {}) {
    const added = args.addedAffinity;
    if (added?.requiredDuringSchedulingIgnoredDuringExecution) this.addedNodeSelector = new NodeSelectorMatcher(added.requiredDuringSchedulingIgnoredDuringExecution);
    if (added?.preferredDuringSchedulingIgnoredDuringExecution?.length) this.addedPrefSchedTerms = new PreferredSchedulingTerms(added.preferredDuringSchedulingIgnoredDuringExecution);
  }

  preFilter(state: CycleState, pod: Pod): PreFilterReturn {
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && !this.addedNodeSelector && !pod.spec?.nodeSelector) return Status.skip();
    state.write(preFilterStateKey, new RequiredNodeAffinity(pod));
    if (!required?.nodeSelectorTerms?.length) return undefined;
    // Terms naming nodes (matchFields metadata.name In) narrow the cycle to those nodes.
    let nodeNames: Set<string> | undefined;
    for (const t of required.nodeSelectorTerms) {
      let termNames: Set<string> | undefined;
      for (const r of t.matchFields ?? []) {
        if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
        const s = new Set(r.values ?? []);
        termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
      }
      if (!termNames) return undefined; // this term allows every node (terms are ORed)
      nodeNames = new Set([...(nodeNames ?? []), ...termNames]);
    }
    if (nodeNames && nodeNames.size === 0) return Status.unresolvable(ErrReasonConflict);
    return nodeNames ? { result: { nodeNames } } : undefined;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const node = nodeInfo.node();
    if (!node) return Status.error(new Error('node not found'));
    if (this.addedNodeSelector && !this.addedNodeSelector.match(node)) return Status.unresolvable(ErrReasonEnforced);
    const required = state.read<RequiredNodeAffinity>(preFilterStateKey) ?? new RequiredNodeAffinity(pod);
    return required.match(node) ? undefined : Status.unresolvable(ErrReasonPod);
  }

  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | undefined {
    if (nodes.length === 0) return undefined;
    const preferred = podPreferredNodeAffinity(pod);
    if (!preferred && !this.addedPrefSchedTerms) return Status.skip();
    state.write(preScoreStateKey, { preferred });
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status {
    const node = nodeInfo.node();
    if (!node) return Status.error(new Error('node not found'));
    return this.scoreNode(state, pod, node);
  }

  private scoreNode(state: CycleState, pod: Pod, node: Node): number {
    let count = this.addedPrefSchedTerms?.score(node) ?? 0;
    const s = state.read<{ preferred?: PreferredSchedulingTerms }>(preScoreStateKey) ?? { preferred: podPreferredNodeAffinity(pod) };
    if (s.preferred) count += s.preferred.score(node);
    return count;
  }

  scoreExtensions() {
    return { normalizeScore: (_s: CycleState, _p: Pod, scores: NodeScore[]) => defaultNormalizeScore(scores, false) };
  }

  eventsToRegister() {
    return [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel } }];
  }
}

function podPreferredNodeAffinity(pod: Pod): PreferredSchedulingTerms | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  return terms ? new PreferredSchedulingTerms(terms) : undefined;
}
