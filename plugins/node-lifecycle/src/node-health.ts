import type { Lease, Node, NodeCondition, NodeStatus } from '@keelson/api';
import { rfc3339 } from '@keelson/core';

/** What the controller remembers of a node between passes (kube's nodeHealthData). */
export interface NodeHealth {
  status: NodeStatus;
  /** When the controller last saw the node alive (a new heartbeat or lease renewal), ms. */
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  /** renewTime (ms) of the newest Lease seen. */
  leaseRenewTime?: number;
}

export interface HealthTiming {
  /** nodeMonitorGracePeriod, ms (40 s). */
  monitorGracePeriod: number;
  /** nodeStartupGracePeriod, ms (60 s): for a node that never posted Ready. */
  startupGracePeriod: number;
}

export interface HealthObservation {
  gracePeriod: number;
  /** The Ready condition as the node had it before this pass (a fake Unknown one if it had none). */
  observedReady: NodeCondition;
  /** The Ready condition after this pass (undefined if the node never posted one and is still in grace). */
  currentReady?: NodeCondition;
  health: NodeHealth;
  /** The node with conditions set to Unknown, when its status must be written. */
  update?: Node;
}

export function getCondition(status: NodeStatus | undefined, type: string): NodeCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** The conditions the controller turns Unknown (NetworkUnavailable belongs to the network plugin). */
const monitoredConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

function ms(t: string | null | undefined): number | undefined {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

function sameCondition(a: NodeCondition | undefined, b: NodeCondition | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * kube's tryUpdateNodeHealth, without the write: refreshes the probe timestamp on a new heartbeat
 * (Ready's lastHeartbeatTime) or a renewed Lease, and once nothing was heard for the grace period
 * (startup grace for a node that never posted Ready) sets Ready, MemoryPressure, DiskPressure and
 * PIDPressure to Unknown ("NodeStatusUnknown", "Kubelet stopped posting node status."), or adds them
 * as "NodeStatusNeverUpdated" when the kubelet never did.
 */
export function observeNodeHealth(input: Node, lease: Lease | undefined, saved: NodeHealth | undefined, now: number, timing: HealthTiming): HealthObservation {
  const node = structuredClone(input);
  const created = ms(node.metadata.creationTimestamp) ?? now;
  const currentReady = getCondition(node.status, 'Ready');
  let gracePeriod: number;
  let observedReady: NodeCondition;
  let health = saved;
  if (!currentReady) {
    // Never posted: a fake Unknown condition from the creation time, and the startup grace period.
    observedReady = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: node.metadata.creationTimestamp };
    gracePeriod = timing.startupGracePeriod;
    health = health ? { ...health, status: node.status ?? {} } : { status: node.status ?? {}, probeTimestamp: created, readyTransitionTimestamp: created };
  } else {
    observedReady = structuredClone(currentReady);
    gracePeriod = timing.monitorGracePeriod;
  }
  const savedReady = saved ? getCondition(saved.status, 'Ready') : undefined;
  if (!health) {
    health = { status: node.status ?? {}, probeTimestamp: now, readyTransitionTimestamp: now };
  } else if (!savedReady && currentReady) {
    health = { status: node.status ?? {}, probeTimestamp: now, readyTransitionTimestamp: now };
  } else if (savedReady && !currentReady) {
    health = { status: node.status ?? {}, probeTimestamp: now, readyTransitionTimestamp: now };
  } else if (savedReady && currentReady && savedReady.lastHeartbeatTime !== currentReady.lastHeartbeatTime) {
    const transition = savedReady.lastTransitionTime !== currentReady.lastTransitionTime ? now : health.readyTransitionTimestamp;
    health = { status: node.status ?? {}, probeTimestamp: now, readyTransitionTimestamp: transition, leaseRenewTime: health.leaseRenewTime };
  }
  // A renewed Lease counts as a heartbeat (even for a node that never posted its status).
  const renew = ms(lease?.spec?.renewTime);
  if (renew !== undefined && (saved?.leaseRenewTime === undefined || saved.leaseRenewTime < renew)) {
    health = { ...health, leaseRenewTime: renew, probeTimestamp: now };
  } else if (saved?.leaseRenewTime !== undefined && health.leaseRenewTime === undefined) {
    health = { ...health, leaseRenewTime: saved.leaseRenewTime };
  }

  if (now <= health.probeTimestamp + gracePeriod) return { gracePeriod, observedReady, currentReady, health };

  const status = (node.status ??= {});
  const conditions = (status.conditions ??= []);
  const stamp = rfc3339(now);
  for (const type of monitoredConditions) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: stamp });
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = stamp;
    }
  }
  const nextReady = getCondition(status, 'Ready');
  if (sameCondition(nextReady, observedReady)) return { gracePeriod, observedReady, currentReady: nextReady, health };
  return { gracePeriod, observedReady, currentReady: nextReady, health, update: node };
}
