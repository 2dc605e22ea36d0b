import type { Pod } from '@keelson/api';
import type { Status } from './framework/status.js';

/** Why a pod fits no node (kube's Diagnosis). */
export interface Diagnosis {
  /** Each node that was turned down, with why. */
  nodeToStatus: Map<string, Status>;
  /** The status of nodes a PreFilterResult left out (counted once per such node). */
  absentNodesStatus?: Status;
  absentNodes?: number;
  unschedulablePlugins: Set<string>;
  pendingPlugins: Set<string>;
  /** A PreFilter turned the pod down for every node. */
  preFilterMsg?: string;
  /** What PostFilter (preemption) said. */
  postFilterMsg?: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), unschedulablePlugins: new Set(), pendingPlugins: new Set() };
}

export const NoNodeAvailableMsg = '0/%v nodes are available';
/** kube's ErrNoNodesAvailable. */
export const ErrNoNodesAvailable = 'no nodes available to schedule pods';

/**
 * No node fits the pod. The message is kube's, word for word: "0/3 nodes are available: 1 node(s)
 * didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {k: v}. preemption: ...".
 */
export class FitError extends Error {
  override readonly name = 'FitError';

  constructor(
    readonly pod: Pod,
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {
    super('');
    // Computed on read: PostFilter adds to the diagnosis after the error is made.
    Object.defineProperty(this, 'message', { get: () => fitErrorMessage(this.numAllNodes, this.diagnosis), enumerable: false, configurable: true });
  }
}

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const histogram = new Map<string, number>();
    const count = (s: Status, n: number) => {
      for (const r of s.reasons) histogram.set(r, (histogram.get(r) ?? 0) + n);
    };
    for (const s of d.nodeToStatus.values()) count(s, 1);
    if (d.absentNodesStatus && d.absentNodes) count(d.absentNodesStatus, d.absentNodes);
    const reasons = [...histogram].map(([r, n]) => `${n} ${r}`).sort();
    msg += ` ${reasons.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
