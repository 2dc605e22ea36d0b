import { FakeClock } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { Status } from '../framework/status.js';
import { ActionType, Events } from '../framework/types.js';
import { prioritySort } from '../plugins/priority-sort.js';
import { makeNode, makePod } from '../testing/fixtures.js';
import { SchedulingQueue } from './scheduling-queue.js';

function newQueue(clock = new FakeClock(), extra: Partial<ConstructorParameters<typeof SchedulingQueue>[0]> = {}) {
  return new SchedulingQueue({ clock, less: (a, b) => prioritySort.less(a, b), ...extra });
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by enqueue time', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add(makePod('low', { priority: 1 }));
    await clock.advance(1);
    q.add(makePod('high', { priority: 10 }));
    q.add(makePod('mid-late', { priority: 5 }));
    await clock.advance(1);
    q.add(makePod('low-late', { priority: 1 }));
    const order = [];
    for (let p = q.tryPop(); p; p = q.tryPop()) order.push(p.podInfo.pod.metadata.name);
    expect(order).toEqual(['high', 'mid-late', 'low', 'low-late']);
  });

  it('pop waits for a pod', async () => {
    const q = newQueue();
    const popped = q.pop();
    q.add(makePod('a'));
    expect((await popped)?.podInfo.pod.metadata.name).toBe('a');
    q.close();
    expect(await q.pop()).toBeUndefined();
  });

  it('backs off 1 s, 2 s, 4 s, 8 s, then 10 s per attempt (kube calculateBackoffDuration)', () => {
    const q = newQueue();
    const p = { attempts: 0 } as Parameters<typeof q.backoffDuration>[0];
    const got = [1, 2, 3, 4, 5, 6].map((attempts) => q.backoffDuration({ ...p, attempts }));
    expect(got).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('an errored pod goes to backoffQ and to activeQ when its back-off ends (flushed every second)', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.run();
    const pod = makePod('a');
    q.add(pod);
    const p = q.tryPop()!;
    q.addUnschedulableIfNotPresent(p); // no rejecting plugin: an error
    expect(q.whereIs(pod)).toBe('backoffQ');
    await clock.advance(999);
    expect(q.whereIs(pod)).toBe('backoffQ');
    await clock.advance(1);
    expect(q.whereIs(pod)).toBe('activeQ');
    // Second failure: 2 s.
    const p2 = q.tryPop()!;
    expect(p2.attempts).toBe(2);
    q.addUnschedulableIfNotPresent(p2);
    await clock.advance(1000);
    expect(q.whereIs(pod)).toBe('backoffQ');
    await clock.advance(1000);
    expect(q.whereIs(pod)).toBe('activeQ');
    q.close();
  });

  it('an unschedulable pod waits for an event its rejecting plugin registered', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock, {
      pluginEvents: (_pod, plugin) => (plugin === 'NodeResourcesFit' ? [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable } }, { event: { resource: 'Pod', actionType: ActionType.Delete } }] : []),
    });
    const pod = makePod('a');
    q.add(pod);
    const p = q.tryPop()!;
    p.unschedulablePlugins.add('NodeResourcesFit');
    q.addUnschedulableIfNotPresent(p);
    expect(q.whereIs(pod)).toBe('unschedulablePods');
    q.moveAllToActiveOrBackoffQueue({ resource: 'Node', actionType: ActionType.UpdateNodeLabel }, makeNode('n'), makeNode('n'));
    expect(q.whereIs(pod)).toBe('unschedulablePods');
    q.moveAllToActiveOrBackoffQueue(Events.NodeAdd, undefined, makeNode('n'));
    // Still backing off (1 s from the failure): backoffQ.
    expect(q.whereIs(pod)).toBe('backoffQ');
    await clock.advance(1000);
    q.flushBackoffQCompleted();
    expect(q.whereIs(pod)).toBe('activeQ');
  });

  it('a queueing hint may skip an event', () => {
    const q = newQueue(new FakeClock(), { pluginEvents: () => [{ event: Events.NodeAdd, queueingHintFn: (_p, _o, n) => (n?.metadata.name === 'good' ? 1 : 0) }] });
    const pod = makePod('a');
    q.add(pod);
    const p = q.tryPop()!;
    p.unschedulablePlugins.add('X');
    q.addUnschedulableIfNotPresent(p);
    q.moveAllToActiveOrBackoffQueue(Events.NodeAdd, undefined, makeNode('bad'));
    expect(q.whereIs(pod)).toBe('unschedulablePods');
    q.moveAllToActiveOrBackoffQueue(Events.NodeAdd, undefined, makeNode('good'));
    expect(q.whereIs(pod)).toBe('backoffQ');
  });

  it('an event that arrives while the pod is being scheduled sends it to backoffQ, not unschedulable', () => {
    const q = newQueue(new FakeClock(), { pluginEvents: () => [{ event: Events.NodeAdd }] });
    const pod = makePod('a');
    q.add(pod);
    const p = q.tryPop()!;
    q.moveAllToActiveOrBackoffQueue(Events.NodeAdd, undefined, makeNode('n'));
    p.unschedulablePlugins.add('X');
    q.addUnschedulableIfNotPresent(p);
    expect(q.whereIs(pod)).toBe('backoffQ');
  });

  it('flushes pods unschedulable for more than 5 minutes (checked every 30 s)', async () => {
    const clock = new FakeClock();
    const q = newQueue(clock, { pluginEvents: () => [] });
    q.run();
    const pod = makePod('a');
    q.add(pod);
    const p = q.tryPop()!;
    p.unschedulablePlugins.add('X');
    q.addUnschedulableIfNotPresent(p);
    await clock.advance(4 * 60_000 + 59_000);
    expect(q.whereIs(pod)).toBe('unschedulablePods');
    await clock.advance(31_000);
    expect(q.whereIs(pod)).toBe('activeQ');
    q.close();
  });

  it('PreEnqueue gates a pod until an update lets it through', () => {
    const q = newQueue(new FakeClock(), { preEnqueue: (pod) => (pod.metadata.labels?.gate ? new Status(6, ['gated']).withPlugin('SchedulingGates') : undefined) });
    const gated = makePod('a', { labels: { gate: 'x' } });
    q.add(gated);
    expect(q.whereIs(gated)).toBe('gated');
    const open = { ...gated, metadata: { ...gated.metadata, labels: {} } };
    q.update(gated, open);
    expect(q.whereIs(open)).toBe('activeQ');
  });

  it('delete removes a pod from every queue', () => {
    const q = newQueue();
    const pod = makePod('a');
    q.add(pod);
    q.delete(pod);
    expect(q.whereIs(pod)).toBeUndefined();
    expect(q.tryPop()).toBeUndefined();
  });
});
