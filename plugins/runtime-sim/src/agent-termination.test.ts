import type { Pod } from '@keelson/api';
import { podSummary } from '@keelson/plugin-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from './agent-harness.js';

const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;

describe('node agent + sim runtime: hooks and graceful termination', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  const del = (name: string, gracePeriodSeconds?: number) =>
    h.cluster.client.delete(PodRef, name, { namespace: 'default', ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) });

  it('postStart runs before the container is reported running', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('ps', { containers: [{ name: 'c', image: 'nginx:1', lifecycle: { postStart: { exec: { command: ['sh', '-c', 'sleep 3'] } } } }] }, { 'post-start': 'ok 3s' });
    await h.advance(2900);
    expect((await h.getPod('ps'))!.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    await h.advance(200);
    await h.waitPod('ps', (p) => p.status?.containerStatuses?.[0]?.state?.running && p.status.phase === 'Running');
  });

  it('a failing postStart hook kills the container (FailedPostStartHook) and it is restarted', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('psf', { containers: [{ name: 'c', image: 'nginx:1', lifecycle: { postStart: { httpGet: { port: 80 } } } }] }, { 'post-start': 'fail' });
    await h.advance(500);
    const p = await h.waitPod('psf', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
    expect(p.status?.containerStatuses?.[0]?.lastState?.terminated?.message).toMatch(/PostStartHook failed/);
    expect((await h.events('psf')).some((e) => e.reason === 'FailedPostStartHook')).toBe(true);
  });

  it('graceful deletion: Terminating, preStop first, then the stop; the agent deletes the pod (grace 0, uid precondition)', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('g', { containers: [{ name: 'c', image: 'nginx:1', lifecycle: { preStop: { exec: { command: ['nginx', '-s', 'quit'] } } } }] }, { 'pre-stop': 'ok 5s', 'stop-delay': '2s' });
    await h.waitPod('g', (p) => p.status?.phase === 'Running');
    await del('g');
    const terminating = await h.waitPod('g', (p) => p.metadata.deletionTimestamp);
    expect(terminating.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(podSummary(terminating, h.cluster.clock.now()).status).toBe('Terminating');
    const logs = () => h.runtime.logs(terminating, 'c');
    await h.advance(4900);
    expect(await logs()).not.toMatch(/SIGTERM/);
    await h.advance(200);
    expect(await logs()).toMatch(/preStop hook succeeded\n.*SIGTERM/);
    await h.advance(1800);
    expect(await h.getPod('g')).toBeDefined();
    await h.advance(200);
    await h.cluster.eventually(async () => (await h.getPod('g')) === undefined);
    const events = await h.events('g');
    expect(events.some((e) => e.reason === 'Killing' && e.message === 'Stopping container c')).toBe(true);
  });

  it('the grace period bounds the stop: a container ignoring SIGTERM is killed when it runs out', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('slow', { terminationGracePeriodSeconds: 10 }, { 'stop-delay': '60s' });
    await h.waitPod('slow', (p) => p.status?.phase === 'Running');
    await del('slow');
    await h.advance(9900);
    expect(await h.getPod('slow')).toBeDefined();
    const seen: Pod[] = [];
    const watch = await h.cluster.client.watch<Pod>(PodRef, { namespace: 'default' }, (e) => {
      if (e.type === 'MODIFIED') seen.push(e.object as Pod);
    });
    await h.advance(200);
    await h.cluster.eventually(async () => (await h.getPod('slow')) === undefined);
    watch.stop();
    const final = seen.filter((p) => p.status?.containerStatuses?.[0]?.state?.terminated).pop();
    expect(final?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(137);
    expect(final?.status?.phase).toBe('Failed');
  });

  it('a preStop hook longer than the grace period is cut short (kill after at most 2 s more)', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('hook', { terminationGracePeriodSeconds: 3, containers: [{ name: 'c', image: 'nginx:1', lifecycle: { preStop: { exec: { command: ['sleep', '100'] } } } }] }, { 'pre-stop': 'ok 100s', 'stop-delay': '10s' });
    await h.waitPod('hook', (p) => p.status?.phase === 'Running');
    await del('hook');
    await h.advance(4900);
    expect(await h.getPod('hook')).toBeDefined();
    await h.advance(200);
    await h.cluster.eventually(async () => (await h.getPod('hook')) === undefined);
  });

  it('a shorter grace period on delete wins over terminationGracePeriodSeconds', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('short', {}, { 'stop-delay': '60s' });
    await h.waitPod('short', (p) => p.status?.phase === 'Running');
    await del('short', 2);
    await h.advance(1900);
    expect(await h.getPod('short')).toBeDefined();
    await h.advance(200);
    await h.cluster.eventually(async () => (await h.getPod('short')) === undefined);
  });

  it('force deletion (grace 0) removes the pod at once and the agent stops its containers', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    const created = await h.createPod('f', {}, { 'stop-delay': '60s' });
    await h.waitPod('f', (p) => p.status?.phase === 'Running');
    await del('f', 0);
    expect(await h.getPod('f')).toBeUndefined();
    await h.cluster.eventually(() => h.agent.worker(created.metadata.uid!) === undefined);
    expect(h.runtime.stats(created)).toBeUndefined();
  });
});

describe('node agent + sim runtime: a second, shorter deletion', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  it('a shorter grace period while terminating cuts the preStop hook and the stop short', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('two', { containers: [{ name: 'c', image: 'nginx:1', lifecycle: { preStop: { exec: { command: ['sleep', '60'] } } } }] }, { 'pre-stop': 'ok 60s', 'stop-delay': '60s' });
    await h.waitPod('two', (p) => p.status?.phase === 'Running');
    await h.cluster.client.delete({ apiVersion: 'v1', kind: 'Pod' }, 'two', { namespace: 'default' });
    await h.advance(5000);
    expect(await h.getPod('two')).toBeDefined();
    await h.cluster.client.delete({ apiVersion: 'v1', kind: 'Pod' }, 'two', { namespace: 'default', gracePeriodSeconds: 1 });
    await h.waitPod('two', (p) => p.metadata.deletionGracePeriodSeconds === 1);
    await h.advance(1100);
    await h.cluster.eventually(async () => (await h.getPod('two')) === undefined);
  });

  it('a forced deletion during a graceful one ends the containers at once', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    const created = await h.createPod('forced', {}, { 'stop-delay': '60s' });
    await h.waitPod('forced', (p) => p.status?.phase === 'Running');
    await h.cluster.client.delete({ apiVersion: 'v1', kind: 'Pod' }, 'forced', { namespace: 'default' });
    await h.advance(1000);
    await h.cluster.client.delete({ apiVersion: 'v1', kind: 'Pod' }, 'forced', { namespace: 'default', gracePeriodSeconds: 0 });
    await h.cluster.eventually(() => h.agent.worker(created.metadata.uid!) === undefined);
  });
});
