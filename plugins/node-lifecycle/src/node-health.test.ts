import type { Lease } from '@keelson/api';
import { rfc3339, rfc3339Micro } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { newNode } from './fixtures.js';
import { observeNodeHealth } from './node-health.js';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const timing = { monitorGracePeriod: 40_000, startupGracePeriod: 60_000 };
const lease = (renew: number): Lease => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n', namespace: 'kube-node-lease' }, spec: { renewTime: rfc3339Micro(renew) } });

describe('observeNodeHealth (tryUpdateNodeHealth)', () => {
  it('goes Unknown only once now is strictly past the last observation + 40 s', () => {
    const node = { ...newNode('n', T0), metadata: { name: 'n', creationTimestamp: rfc3339(T0) } };
    const first = observeNodeHealth(node, undefined, undefined, T0, timing);
    expect(first.health.probeTimestamp).toBe(T0);
    expect(observeNodeHealth(node, undefined, first.health, T0 + 40_000, timing).update).toBeUndefined();
    const late = observeNodeHealth(node, undefined, first.health, T0 + 40_001, timing);
    expect(late.observedReady.status).toBe('True');
    expect(late.currentReady).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: rfc3339(T0 + 40_001) });
    expect(late.update!.status!.conditions!.map((c) => `${c.type}=${c.status}`)).toEqual(['Ready=Unknown', 'MemoryPressure=Unknown', 'DiskPressure=Unknown', 'PIDPressure=Unknown']);
    expect(late.update!.status!.conditions![2]).toMatchObject({ reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
  });

  it('a renewed Lease or a new heartbeat moves the probe time; an unchanged one does not', () => {
    const node = newNode('n', T0);
    let h = observeNodeHealth(node, lease(T0), undefined, T0, timing).health;
    h = observeNodeHealth(node, lease(T0 + 10_000), h, T0 + 12_000, timing).health;
    expect(h.probeTimestamp).toBe(T0 + 12_000);
    h = observeNodeHealth(node, lease(T0 + 10_000), h, T0 + 30_000, timing).health;
    expect(h.probeTimestamp).toBe(T0 + 12_000);
    expect(observeNodeHealth(node, lease(T0 + 10_000), h, T0 + 52_000, timing).update).toBeUndefined();
    expect(observeNodeHealth(node, lease(T0 + 10_000), h, T0 + 52_001, timing).update).toBeDefined();
    const beat = newNode('n', T0 + 50_000);
    const after = observeNodeHealth(beat, lease(T0 + 10_000), h, T0 + 52_001, timing);
    expect(after.update).toBeUndefined();
    expect(after.health.probeTimestamp).toBe(T0 + 52_001);
  });

  it('a node already Unknown is not written again', () => {
    const node = newNode('n', T0);
    node.status!.conditions![0] = { ...node.status!.conditions![0]!, status: 'Unknown' };
    const h = observeNodeHealth(node, undefined, undefined, T0, timing).health;
    const obs = observeNodeHealth(node, undefined, h, T0 + 100_000, timing);
    expect(obs.observedReady.status).toBe('Unknown');
    // Ready unchanged → no write (the pressure condition alone does not trigger one, as in kube).
    expect(obs.update).toBeUndefined();
  });
});
