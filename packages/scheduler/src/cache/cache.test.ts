import { FakeClock } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../testing/fixtures.js';
import { SchedulerCache } from './cache.js';
import { Snapshot } from './snapshot.js';

const on = (pod: ReturnType<typeof makePod>, node: string) => ({ ...pod, spec: { ...pod.spec!, nodeName: node } });

describe('SchedulerCache', () => {
  it('assumed pods count on their node at once; the informer add confirms them', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addNode(makeNode('n1', { capacity: { cpu: '4', memory: '8Gi' } }));
    const pod = on(makePod('a', { requests: [{ cpu: '500m', memory: '1Gi' }] }), 'n1');
    cache.assumePod(pod);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    expect(snap.get('n1')!.requested.milliCPU).toBe(500);
    expect(snap.get('n1')!.requested.memory).toBe(1024 ** 3);
    expect(cache.isAssumedPod(pod)).toBe(true);
    cache.addPod(pod);
    expect(cache.isAssumedPod(pod)).toBe(false);
    expect(cache.podCount()).toBe(1);
    expect(() => cache.assumePod(pod)).toThrow(/is in the cache, so can't be assumed/);
  });

  it('forget releases an assumed pod', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addNode(makeNode('n1', { capacity: { cpu: '4' } }));
    const pod = on(makePod('a', { requests: [{ cpu: '1' }] }), 'n1');
    cache.assumePod(pod);
    cache.forgetPod(pod);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    expect(snap.get('n1')!.requested.milliCPU).toBe(0);
    expect(() => cache.forgetPod(pod)).toThrow(/wasn't assumed/);
  });

  it('assumed pods whose binding finished expire after the TTL (swept every second on the Clock)', async () => {
    const clock = new FakeClock();
    const cache = new SchedulerCache({ clock, assumedPodTtlMs: 30_000 });
    cache.run();
    cache.addNode(makeNode('n1'));
    const bound = on(makePod('a'), 'n1');
    const pending = on(makePod('b'), 'n1');
    cache.assumePod(bound);
    cache.assumePod(pending);
    cache.finishBinding(bound);
    await clock.advance(29_000);
    expect(cache.assumedPodCount()).toBe(2);
    await clock.advance(2000);
    // Only the pod whose binding finished expires; the other is still being bound.
    expect(cache.assumedPodCount()).toBe(1);
    expect(cache.getPod(bound)).toBeUndefined();
    expect(cache.getPod(pending)).toBeDefined();
    cache.stop();
  });

  it('a confirmed pod never expires', async () => {
    const clock = new FakeClock();
    const cache = new SchedulerCache({ clock, assumedPodTtlMs: 1000 });
    cache.addNode(makeNode('n1'));
    const pod = on(makePod('a'), 'n1');
    cache.assumePod(pod);
    cache.finishBinding(pod);
    cache.addPod(pod);
    cache.cleanupAssumedPods(clock.now() + 10_000);
    expect(cache.getPod(pod)).toBeDefined();
  });

  it('the informer may confirm an assumed pod on another node', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addNode(makeNode('n1'));
    cache.addNode(makeNode('n2'));
    const pod = makePod('a', { requests: [{ cpu: '1' }] });
    cache.assumePod(on(pod, 'n1'));
    cache.addPod(on(pod, 'n2'));
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    expect(snap.get('n1')!.pods).toHaveLength(0);
    expect(snap.get('n2')!.pods).toHaveLength(1);
  });

  it('snapshots update incrementally and follow node removal', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addNode(makeNode('n1'));
    cache.addNode(makeNode('n2'));
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    const n2 = snap.get('n2');
    cache.addPod(on(makePod('a'), 'n1'));
    cache.updateSnapshot(snap);
    expect(snap.get('n2')).toBe(n2); // unchanged node: same clone
    expect(snap.list().map((n) => n.nodeName())).toEqual(['n1', 'n2']);
    expect(snap.get('n1')!.pods).toHaveLength(1);
    cache.removeNode(makeNode('n2'));
    cache.updateSnapshot(snap);
    expect(snap.list().map((n) => n.nodeName())).toEqual(['n1']);
  });

  it('counts init containers, sidecars and overhead (kube PodRequests) and non-zero defaults', () => {
    const cache = new SchedulerCache({ clock: new FakeClock() });
    cache.addNode(makeNode('n1'));
    const pod = on(makePod('a', { requests: [{ cpu: '1' }, {}] }), 'n1');
    pod.spec!.initContainers = [
      { name: 'init', image: 'x', resources: { requests: { cpu: '3' } } },
      { name: 'sidecar', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } },
    ];
    pod.spec!.overhead = { cpu: '100m' };
    cache.addPod(pod);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    const ni = snap.get('n1')!;
    // max(1 + 0.5 sidecar, 3 init) + 0.1 overhead
    expect(ni.requested.milliCPU).toBe(3100);
    // Non-zero: the container without requests counts 100m / 200Mi.
    expect(ni.nonZeroRequested.memory).toBe(3 * 200 * 1024 * 1024); // two containers and the sidecar
  });
});
