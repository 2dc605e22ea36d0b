import type { Pod } from '@keelson/api';
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
  victims: Pod[];
}

type PreemptionHandle = Pick<Handle, 'snapshotSharedLister' | 'runFilterPluginsWithNominatedPods' | 'runPreFilterExtensionAddPod' | 'runPreFilterExtensionRemovePod' | 'client' | 'eventRecorder' | 'log'>;

/**
 * kube's DefaultPreemption (PostFilter): when no node fits, find the nodes where removing pods of
 * lower priority would let the pod fit (each victim reprieved again, most important first, if the
 * pod still fits without evicting it), pick the node as kube's pickOneNodeForPreemption (lowest
 * highest victim priority, then lowest priority sum, then fewest victims, then latest start),
 * delete the victims and nominate the node. PodDisruptionBudgets are not consulted.
 */
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = Name;
  constructor(private readonly handle: PreemptionHandle) {}

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
    const { candidates, reasons } = this.findCandidates(state, pod, all, statuses);
    if (candidates.length === 0) return { result: { nominatedNodeName: '' }, status: Status.unschedulable(`preemption: ${fitMessage(all.length, reasons)}`) };
    const best = pickOneNodeForPreemption(candidates);
    await this.prepareCandidate(best, pod);
    return { result: { nominatedNodeName: best.node }, status: Status.success() };
  }

  /** Nodes where preemption may help (rejected as Unschedulable, not Unresolvable), and their victims. */
  findCandidates(state: CycleState, pod: Pod, all: readonly NodeInfo[], statuses: NodeToStatus): { candidates: Candidate[]; reasons: Map<string, number> } {
    const candidates: Candidate[] = [];
    const reasons = new Map<string, number>();
    const note = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    for (const ni of all) {
      const s = statuses.get(ni.nodeName());
      if (!s || s.code !== 2) {
        note(ErrNotHelpful);
        continue;
      }
      const out = this.selectVictimsOnNode(state.clone(), pod, cloneNodeInfo(ni));
      if ('victims' in out) candidates.push({ node: ni.nodeName(), victims: out.victims });
      else for (const r of out.reasons) note(r);
    }
    return { candidates, reasons };
  }

  /** kube's SelectVictimsOnNode (without PodDisruptionBudgets). */
  selectVictimsOnNode(state: CycleState, pod: Pod, ni: NodeInfo): { victims: Pod[] } | { reasons: string[] } {
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
    const victims: Pod[] = [];
    for (const pi of potential) {
      // Reprieve: put the pod back; it stays a victim only if the pod no longer fits with it.
      ni.addPodInfo(pi);
      this.handle.runPreFilterExtensionAddPod(state, pod, pi, ni);
      if (this.handle.runFilterPluginsWithNominatedPods(state, pod, ni)) {
        ni.removePod(pi.pod);
        this.handle.runPreFilterExtensionRemovePod(state, pod, pi, ni);
        victims.push(pi.pod);
      }
    }
    return { victims };
  }

  /** kube's prepareCandidate: the victims are deleted (with a Preempted event); the pod is nominated to the node. */
  private async prepareCandidate(c: Candidate, pod: Pod): Promise<void> {
    for (const v of c.victims) {
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

/** kube's pickOneNodeForPreemption (no PDB violations counted). */
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
  keep(highest, true);
  if (list.length > 1) keep(sum, true);
  if (list.length > 1) keep((c) => c.victims.length, true);
  if (list.length > 1) keep(latestStartOfHighest, false);
  return list[0]!;
}

