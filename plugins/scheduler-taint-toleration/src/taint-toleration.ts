import type { Pod, Taint, Toleration } from '@keelson/api';
import {
  ActionType,
  type CycleState,
  defaultNormalizeScore,
  type EnqueueExtensions,
  type FilterPlugin,
  findMatchingUntoleratedTaint,
  type NodeInfo,
  type NodeScore,
  type PreScorePlugin,
  type ScorePlugin,
  Status,
  tolerationsTolerateTaint,
} from '@keelson/scheduler';

export const Name = 'TaintToleration';
const preScoreStateKey = `PreScore${Name}`;

/** kube's ErrReasonNotMatch, with the taint: "node(s) had untolerated taint {key: value}". */
export function untoleratedTaintReason(t: Taint): string {
  return `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
}

/**
 * kube's TaintToleration: a node's NoSchedule and NoExecute taints must be tolerated (Filter);
 * fewer untolerated PreferNoSchedule taints score higher (Score, reversed normalization).
 */
export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Name;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const node = nodeInfo.node();
    if (!node) return Status.error(new Error('invalid nodeInfo'));
    const taint = findMatchingUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    return taint ? Status.unresolvable(untoleratedTaintReason(taint)) : undefined;
  }

  preScore(state: CycleState, pod: Pod): Status | undefined {
    state.write(preScoreStateKey, preferNoScheduleTolerations(pod.spec?.tolerations));
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const tolerations = state.read<Toleration[]>(preScoreStateKey) ?? preferNoScheduleTolerations(pod.spec?.tolerations);
    return countIntolerableTaintsPreferNoSchedule(nodeInfo.node()?.spec?.taints, tolerations);
  }

  scoreExtensions() {
    return { normalizeScore: (_s: CycleState, _p: Pod, scores: NodeScore[]) => defaultNormalizeScore(scores, true) };
  }

  eventsToRegister() {
    return [
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint } },
      { event: { resource: 'UnscheduledPod', actionType: ActionType.UpdatePodTolerations } },
    ];
  }
}

/** Tolerations with an empty effect or PreferNoSchedule (kube's getAllTolerationPreferNoSchedule). */
export function preferNoScheduleTolerations(tolerations: readonly Toleration[] | undefined): Toleration[] {
  return (tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

export function countIntolerableTaintsPreferNoSchedule(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const t of taints ?? []) {
    if (t.effect !== 'PreferNoSchedule') continue;
    if (!tolerationsTolerateTaint(tolerations, t)) n++;
  }
  return n;
}
