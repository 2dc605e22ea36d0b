import { isNotFound, type Pod, type PodCondition, type PodDisruptionBudget } from '@keelson/api';
import { rfc3339 } from '@keelson/core';
import {
  type CycleState,
  type Handle,
  NodeInfo,
  type NodeToStatus,
  type PodInfo,
  type PostFilterPlugin,
  type PostFilterResult,
  Status,
} from '@keelson/scheduler';
import { filterPodsWithPDBViolation, type PdbSource, ServedPdbLister } from './pdb.js';

export const Name = 'DefaultPreemption';
const PodKindRef = { apiVersion: 'v1', kind: 'Pod' } as const;

/** kube's messages. */
export const ErrNoVictims = 'No preemption victims found for incoming pod';
export const ErrNotHelpful = 'Preemption is not helpful for scheduling';

const priorityOf = (p: Pod) => p.spec?.priority ?? 0;
const startTime = (p: Pod) => Date.parse(p.status?.startTime ?? p.metadata.creationTimestamp ?? '') || 0;

/** kube's MoreImportantPod: higher priority, then the earlier start. */
export function moreImportant(a: Pod, b: Pod): boolean {
  const pa = priorityOf(a);
  const pb = priorityOf(b);
  if (pa !== pb) return pa > pb;
  return startTime(a) < startTime(b);
}

export interface Candidate {
  node: string;
  /** Most important first. */
  victims: Pod[];
  /** Victims whose eviction would violate a PodDisruptionBudget (kube's NumPDBViolations). */
  numPDBViolations?: number;
}

/** v1.PodReasonPreemptionByScheduler, the reason of the victims' DisruptionTarget condition. */
export const PodReasonPreemptionByScheduler = 'PreemptionByScheduler';

type PreemptionHandle = Pick<
  Handle,
  'snapshotSharedLister' | 'runFilterPluginsWithNominatedPods' | 'runPreFilterExtensionAddPod' | 'runPreFilterExtensionRemovePod' | 'client' | 'eventRecorder' | 'log' | 'clock' | 'informers'
>;

/**
 * kube's DefaultPreemption (PostFilter): when no node fits, find the nodes where removing pods of
 * lower priority would let the pod fit (each victim reprieved again, most important first, if the
 * pod still fits without evicting it, those whose eviction would violate a PodDisruptionBudget
 * first), pick the node as kube's pickOneNodeForPreemption (fewest budget violations, then lowest
 * highest victim priority, then lowest priority sum, then fewest victims, then latest start),
 * mark the victims DisruptionTarget (PreemptionByScheduler), delete them and nominate the node.
 * Budgets are read only when the cluster serves policy/v1 PodDisruptionBudget (ServedPdbLister).
 */
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = Name;
  private readonly pdbs: PdbSource;
  constructor(
    private readonly handle: PreemptionHandle,
    pdbs?: PdbSource,
  ) {
    this.pdbs = pdbs ?? new ServedPdbLister(handle.client, handle.informers, handle.clock, handle.log);
  }

  async postFilter(state: CycleState, pod: Pod, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Status }> {
    if ((pod.spec?.preemptionPolicy ?? 'PreemptLowerPriority') === 'Never') return { status: Status.unschedulable('preemption: not eligible due to preemptionPolicy=Never.') };
    const lister = this.handle.snapshotSharedLister().nodeInfos();
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = lister.get(nominated);
      if (ni?.pods.some((p) => p.pod.metadata.deletionTimestamp && priorityOf(p.pod) < priorityOf(pod))) {
        return { status: Status.unschedulable('preemption: not eligible due to a terminating pod on the nominated node.') };
      }
    }
    const all = lister.list();
    let pdbs: readonly PodDisruptionBudget[];
    try {
      pdbs = await this.pdbs.list();
    } catch (err) {
      return { status: Status.error(`preemption: listing PodDisruptionBudgets: ${err instanceof Error ? err.message : String(err)}`) };
    }
    const { candidates, reasons } = this.findCandidates(state, pod, all, statuses, pdbs);
    if (candidates.length === 0) return { result: { nominatedNodeName: '' }, status: Status.unschedulable(`preemption: ${fitMessage(all.length, reasons)}`) };
    const best = pickOneNodeForPreemption(candidates);
    await this.prepareCandidate(best, pod);
    return { result: { nominatedNodeName: best.node }, status: Status.success() };
  }

  /** Nodes where preemption may help (rejected as Unschedulable, not Unresolvable), and their victims. */
  findCandidates(state: CycleState, pod: Pod, all: readonly NodeInfo[], statuses: NodeToStatus, pdbs: readonly PodDisruptionBudget[] = []): { candidates: Candidate[]; reasons: Map<string, number> } {
    const candidates: Candidate[] = [];
    const reasons = new Map<string, number>();
    const note = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    for (const ni of all) {
      const s = statuses.get(ni.nodeName());
      if (!s || s.code !== 2) {
        note(ErrNotHelpful);
        continue;
      }
      const out = this.selectVictimsOnNode(state.clone(), pod, cloneNodeInfo(ni), pdbs);
      if ('victims' in out) candidates.push({ node: ni.nodeName(), victims: out.victims, numPDBViolations: out.numPDBViolations });
      else for (const r of out.reasons) note(r);
    }
    return { candidates, reasons };
  }

  /**
   * kube's SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits, put them
   * back one by one (most important first, those whose eviction would violate a budget before the
   * others), keeping as victims only those without which the pod still does not fit.
   */
  selectVictimsOnNode(state: CycleState, pod: Pod, ni: NodeInfo, pdbs: readonly PodDisruptionBudget[] = []): { victims: Pod[]; numPDBViolations: number } | { reasons: string[] } {
    const prio = priorityOf(pod);
    const potential: PodInfo[] = ni.pods.filter((p) => priorityOf(p.pod) < prio);
    if (potential.length === 0) return { reasons: [ErrNoVictims] };
    for (const pi of potential) {
      ni.removePod(pi.pod);
      const s = this.handle.runPreFilterExtensionRemovePod(state, pod, pi, ni);
      if (s) return { reasons: [s.message()] };
    }
    const fits = this.handle.runFilterPluginsWithNominatedPods(state, pod, ni);
    if (fits) return { reasons: fits.reasons.length ? fits.reasons : [ErrNoVictims] };
    potential.sort((a, b) => (moreImportant(a.pod, b.pod) ? -1 : moreImportant(b.pod, a.pod) ? 1 : 0));
    const { violating, nonViolating } = filterPodsWithPDBViolation(potential, pdbs);
    const victims: Pod[] = [];
    // Reprieve: put the pod back; it stays a victim only if the pod no longer fits with it.
    const reprieve = (pi: PodInfo): boolean => {
      ni.addPodInfo(pi);
      this.handle.runPreFilterExtensionAddPod(state, pod, pi, ni);
      if (!this.handle.runFilterPluginsWithNominatedPods(state, pod, ni)) return true;
      ni.removePod(pi.pod);
      this.handle.runPreFilterExtensionRemovePod(state, pod, pi, ni);
      victims.push(pi.pod);
      return false;
    };
    let numPDBViolations = 0;
    for (const pi of violating) if (!reprieve(pi)) numPDBViolations++;
    for (const pi of nonViolating) reprieve(pi);
    if (violating.length && nonViolating.length) victims.sort((a, b) => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0));
    return { victims, numPDBViolations };
  }

  /**
   * kube's prepareCandidate: each victim gets DisruptionTarget=True (PreemptionByScheduler) and is
   * deleted (with a Preempted event); the pod is nominated to the node.
   */
  private async prepareCandidate(c: Candidate, pod: Pod): Promise<void> {
    for (const v of c.victims) {
      try {
        await this.markDisruptionTarget(v, pod);
      } catch (err) {
        if (isNotFound(err)) continue; // already gone
        this.handle.log.warn('adding the DisruptionTarget condition to a preemption victim failed', { pod: v.metadata.name, error: String(err) });
      }
      try {
        await this.handle.client.delete(PodKindRef, v.metadata.name!, { namespace: v.metadata.namespace });
        this.handle.eventRecorder().event(asPod(v), 'Normal', 'Preempted', `Preempted by pod ${pod.metadata.uid} on node ${c.node}`);
      } catch (err) {
        this.handle.log.error('deleting a preemption victim failed', { pod: v.metadata.name, error: String(err) });
      }
    }
    try {
      await this.handle.client.patch(PodKindRef, pod.metadata.name!, 'merge', { status: { nominatedNodeName: c.node } }, { namespace: pod.metadata.namespace, subresource: 'status' });
    } catch (err) {
      this.handle.log.debug('setting nominatedNodeName failed', { pod: pod.metadata.name, error: String(err) });
    }
  }

  /** apipod.UpdatePodCondition + PatchPodStatus: patched only when the condition changes. */
  private async markDisruptionTarget(victim: Pod, preemptor: Pod): Promise<void> {
    const cond = disruptionTargetCondition(preemptor, this.handle.clock.now());
    const existing = victim.status?.conditions?.find((x) => x.type === cond.type);
    if (existing && existing.status === cond.status && existing.reason === cond.reason && existing.message === cond.message) return;
    if (existing?.status === cond.status) cond.lastTransitionTime = existing.lastTransitionTime;
    await this.handle.client.patch(PodKindRef, victim.metadata.name!, 'strategic', { status: { conditions: [cond] } }, { namespace: victim.metadata.namespace, subresource: 'status' });
  }
}

/** The condition kube's preemption puts on a victim before deleting it. */
export function disruptionTargetCondition(preemptor: Pod, now: number): PodCondition {
  return {
    type: 'DisruptionTarget',
    status: 'True',
    reason: PodReasonPreemptionByScheduler,
    message: `${preemptor.spec?.schedulerName ?? 'default-scheduler'}: preempting to accommodate a higher priority pod`,
    lastTransitionTime: rfc3339(now),
  };
}

function asPod(pod: Pod): Pod {
  return pod.kind ? pod : { ...pod, apiVersion: 'v1', kind: 'Pod' };
}

/** A NodeInfo copy whose pod list can change without touching the snapshot. */
function cloneNodeInfo(ni: NodeInfo): NodeInfo {
  return ni.clone();
}

/** "0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling." */
export function fitMessage(numAllNodes: number, reasons: Map<string, number>): string {
  const parts = [...reasons].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${numAllNodes} nodes are available: ${parts.join(', ')}.`;
}

/**
 * kube's pickOneNodeForPreemption: a node needing no victim, else fewest PodDisruptionBudget
 * violations, then the lowest highest-priority victim, the lowest sum of priorities, the fewest
 * victims, the latest start of the highest-priority victims; then the first.
 */
export function pickOneNodeForPreemption(candidates: Candidate[]): Candidate {
  const highest = (c: Candidate) => Math.max(...c.victims.map(priorityOf));
  // kube adds MaxInt32 + 1 to each priority so that negative priorities still sum upwards.
  const sum = (c: Candidate) => c.victims.reduce((s, v) => s + priorityOf(v) + 2 ** 31, 0);
  const latestStartOfHighest = (c: Candidate) => {
    const h = highest(c);
    return Math.min(...c.victims.filter((v) => priorityOf(v) === h).map(startTime));
  };
  let list = candidates.filter((c) => c.victims.length === 0);
  if (list.length) return list[0]!;
  list = candidates;
  const keep = (score: (c: Candidate) => number, lowest: boolean) => {
    const best = lowest ? Math.min(...list.map(score)) : Math.max(...list.map(score));
    list = list.filter((c) => score(c) === best);
  };
  keep((c) => c.numPDBViolations ?? 0, true);
  if (list.length > 1) keep(highest, true);
  if (list.length > 1) keep(sum, true);
  if (list.length > 1) keep((c) => c.victims.length, true);
  if (list.length > 1) keep(latestStartOfHighest, false);
  return list[0]!;
}

