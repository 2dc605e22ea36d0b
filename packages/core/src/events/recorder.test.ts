import { definePlugin, defineKind, type Event, type KubeObject } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../cluster.js';
import { FakeClock } from '../clock/fake-clock.js';
import { silentLogger } from '../log.js';
import { createEventRecorder } from './recorder.js';

const EventKind = defineKind<Event>({ group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true });

async function setup(burst?: number) {
  const clock = new FakeClock();
  const cluster = await createCluster({ plugins: [definePlugin({ name: 'events', kinds: [EventKind] })], clock, logger: silentLogger });
  const recorder = createEventRecorder({ client: cluster.client, clock, component: 'test-controller', host: 'node1', burst });
  const list = async () => (await cluster.client.list<Event>(EventKind, { namespace: 'default' })).items;
  return { clock, recorder, list };
}

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7' } };

describe('event recorder', () => {
  it('writes core/v1 Events pointing at the object', async () => {
    const { recorder, list } = await setup();
    recorder.event(pod, 'Normal', 'Scheduled', 'Successfully assigned default/web to node1');
    await recorder.flush();
    const [e] = await list();
    expect(e).toMatchObject({
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1', apiVersion: 'v1', resourceVersion: '7' },
      reason: 'Scheduled',
      type: 'Normal',
      count: 1,
      source: { component: 'test-controller', host: 'node1' },
      reportingComponent: 'test-controller',
    });
    expect(e!.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
    expect(e!.firstTimestamp).toBe(e!.lastTimestamp);
  });

  it('aggregates identical events into a count, and keeps different ones apart', async () => {
    const { recorder, list, clock } = await setup();
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    await clock.advance(10_000);
    recorder.eventf(pod, 'Warning', 'BackOff', 'Back-off restarting failed %s', 'container');
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    recorder.event(pod, 'Normal', 'Pulled', 'Container image "nginx" already present on machine');
    await recorder.flush();
    const events = await list();
    expect(events).toHaveLength(2);
    const backoff = events.find((e) => e.reason === 'BackOff')!;
    expect(backoff.count).toBe(3);
    expect(Date.parse(backoff.lastTimestamp!) - Date.parse(backoff.firstTimestamp!)).toBe(10_000);
  });

  it('drops a flood beyond the burst and refills over time', async () => {
    const { recorder, list, clock } = await setup(3);
    for (let i = 0; i < 10; i++) recorder.event(pod, 'Normal', `R${i}`, 'm');
    await recorder.flush();
    expect(await list()).toHaveLength(3);
    await clock.advance(5 * 60_000);
    recorder.event(pod, 'Normal', 'Later', 'm');
    await recorder.flush();
    expect(await list()).toHaveLength(4);
  });
});
