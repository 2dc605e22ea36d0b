import { isConflict, type Node, type Taint, type Toleration } from '@keelson/api';
import { type Client, rfc3339 } from '@keelson/core';

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_NODE_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_NODE_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NODE_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** The NoExecute taints the controller puts on nodes whose Ready is False / Unknown. */
export const NotReadyTaintTemplate: Taint = { key: TAINT_NODE_NOT_READY, effect: 'NoExecute' };
export const UnreachableTaintTemplate: Taint = { key: TAINT_NODE_UNREACHABLE, effect: 'NoExecute' };

/** kube's nodeConditionToTaintKeyStatusMap (TaintNodesByCondition): condition → status → NoSchedule taint key. */
export const conditionToTaintKey: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: TAINT_NODE_NOT_READY, Unknown: TAINT_NODE_UNREACHABLE },
  MemoryPressure: { True: TAINT_NODE_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_NODE_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NODE_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_NODE_PID_PRESSURE },
};

const conditionTaintKeys = new Set(Object.values(conditionToTaintKey).flatMap((m) => Object.values(m)));

/** Taint.MatchTaint: same key and effect. */
export function matchTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function taintExists(taints: readonly Taint[] | undefined, t: Taint): boolean {
  return (taints ?? []).some((x) => matchTaint(x, t));
}

/** v1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** v1helper.GetMatchingTolerations: whether every taint is tolerated, and the first toleration used for each. */
export function getMatchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = (tolerations ?? []).find((x) => toleratesTaint(x, taint));
    if (!t) return { allTolerated: false, used: [] };
    used.push(t);
  }
  return { allTolerated: true, used };
}

/** kube's getMinTolerationTime in ms: the smallest tolerationSeconds, or -1 when all tolerate forever. */
export function minTolerationTime(used: readonly Toleration[]): number {
  let min = -1;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    const ms = Math.max(0, t.tolerationSeconds) * 1000;
    if (min < 0 || ms < min) min = ms;
  }
  return min;
}

/** The node's NoExecute taints. */
export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/**
 * The NoSchedule taints the node should carry (doNoScheduleTaintingPass): one per condition in a
 * tainting state, plus node.kubernetes.io/unschedulable while spec.unschedulable.
 */
export function desiredNoScheduleTaints(node: Node): Taint[] {
  const taints: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = conditionToTaintKey[c.type]?.[c.status];
    if (key) taints.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) taints.push({ key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
  return taints;
}

/** The node's NoSchedule taints this controller owns (condition taints and unschedulable). */
export function ownedNoScheduleTaints(node: Node): Taint[] {
  return (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && (t.key === TAINT_NODE_UNSCHEDULABLE || conditionTaintKeys.has(t.key)));
}

/** taintutils.TaintSetDiff: what to add to `current` and remove from it to reach `desired` (by key and effect). */
export function taintSetDiff(desired: readonly Taint[], current: readonly Taint[]): { add: Taint[]; remove: Taint[] } {
  return {
    add: desired.filter((t) => !taintExists(current, t)),
    remove: current.filter((t) => !taintExists(desired, t)),
  };
}

const NodeKindRef = { apiVersion: 'v1', kind: 'Node' } as const;
/** kube's UpdateTaintBackoff: attempts of a taint update before giving up. */
const TAINT_UPDATE_RETRIES = 5;

/**
 * controllerutil.SwapNodeControllerTaint: adds `add` (timeAdded = now, replacing a taint with the
 * same key and effect) and removes `remove` in one update of the node's spec, re-reading the node
 * after a conflict. Returns false when the node is gone or the update kept failing.
 */
export async function swapNodeControllerTaint(client: Client, nodeName: string, add: readonly Taint[], remove: readonly Taint[], now: () => number, first?: Node): Promise<boolean> {
  let node = first;
  for (let attempt = 0; attempt < TAINT_UPDATE_RETRIES; attempt++) {
    if (!node || attempt > 0) {
      try {
        node = await client.get<Node>(NodeKindRef, nodeName);
      } catch {
        return false;
      }
    }
    const current = node.spec?.taints ?? [];
    let next = current.filter((t) => !taintExists(remove, t));
    const stamp = rfc3339(now());
    for (const t of add) {
      const old = next.find((x) => matchTaint(x, t));
      if (old && (old.value ?? '') === (t.value ?? '')) continue;
      next = [...next.filter((x) => !matchTaint(x, t)), { ...t, timeAdded: stamp }];
    }
    if (next.length === current.length && next.every((t, i) => t === current[i])) return true;
    const updated: Node = { ...node, spec: { ...node.spec, taints: next.length ? next : undefined } };
    if (!updated.spec!.taints) delete updated.spec!.taints;
    try {
      await client.update(updated, { kind: NodeKindRef });
      return true;
    } catch (err) {
      if (!isConflict(err)) return false;
    }
  }
  return false;
}
