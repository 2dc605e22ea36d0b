import type { Pod } from '@keelson/api';
import { podSummary } from '@keelson/plugin-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from './agent-harness.js';

describe('node agent + sim runtime: restarts', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  it("restarts a crashing container with kubelet's back-off: immediately, then 10, 20, 40 ... 300 s (CrashLoopBackOff)", async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' }, events: false });
    await h.createPod('crash', {}, { 'crash-loop': '1s' });
    const created = await h.waitPod('crash', (p) => p.status?.containerStatuses?.[0]?.state?.running);
    const w = () => h.agent.worker(created.metadata.uid!)!;
    const starts: number[] = [];
    let lastCount = -1;
    let sawCrashLoop = false;
    for (let t = 0; t < 1250; t++) {
      const r = w().regular[0]!;
      if (r.state === 'running' && r.restartCount !== lastCount) {
        lastCount = r.restartCount;
        starts.push(r.startedAt!);
      }
      if (r.state === 'waiting' && r.reason === 'CrashLoopBackOff') sawCrashLoop = true;
      await h.advance(1000, 1000);
    }
    const gaps = starts.slice(1).map((s, i) => (s - starts[i]! - 1000) / 1000);
    expect(gaps).toEqual([0, 10, 20, 40, 80, 160, 300, 300, 300]);
    expect(sawCrashLoop).toBe(true);
    const p = await h.waitPod('crash', (p) => p.status?.containerStatuses?.[0]?.restartCount === 9);
    const cs = p.status!.containerStatuses![0]!;
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
  });

  it('shows CrashLoopBackOff with the back-off message while waiting', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('crash', {}, { 'crash-loop': '1s' });
    await h.advance(2500);
    const p = await h.waitPod('crash', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
    const cs = p.status!.containerStatuses![0]!;
    expect(cs.state?.waiting?.message).toMatch(/^back-off 10s restarting failed container=c pod=crash_default\(/);
    expect(cs.restartCount).toBe(1);
    expect(p.status?.phase).toBe('Running');
    expect(podSummary(p, h.cluster.clock.now())).toMatchObject({ ready: '0/1', status: 'CrashLoopBackOff' });
    expect((await h.events('crash')).some((e) => e.reason === 'BackOff' && e.type === 'Warning')).toBe(true);
  });

  it('restartPolicy Never: exit 0 → Succeeded (Completed), exit 1 → Failed (Error); no restarts', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('ok', { restartPolicy: 'Never' }, { 'exit-after': '2s' });
    await h.createPod('ko', { restartPolicy: 'Never' }, { 'exit-after': '2s', 'exit-code': '1' });
    await h.advance(2100);
    const ok = await h.waitPod('ok', (p) => p.status?.phase === 'Succeeded');
    const ko = await h.waitPod('ko', (p) => p.status?.phase === 'Failed');
    expect(ok.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(podSummary(ok, h.cluster.clock.now()).status).toBe('Completed');
    expect(podSummary(ko, h.cluster.clock.now()).status).toBe('Error');
    expect(ok.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    await h.advance(20_000, 1000);
    expect((await h.getPod('ko'))!.status?.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it('restartPolicy OnFailure: a failed attempt is retried, a successful one completes the pod', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('job', { restartPolicy: 'OnFailure' }, { 'exit-after': '1s', 'exit-code': '1,0' });
    await h.advance(1100);
    await h.advance(1100);
    const p = await h.waitPod('job', (p: Pod) => p.status?.phase === 'Succeeded');
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ restartCount: 1, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(p.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(1);
  });
});

describe('node agent + sim runtime: deadlines and resources', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  it('activeDeadlineSeconds: the pod fails with DeadlineExceeded and its containers stop', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('dl', { activeDeadlineSeconds: 30 });
    await h.waitPod('dl', (p) => p.status?.phase === 'Running');
    await h.advance(29_000, 1000);
    expect((await h.getPod('dl'))!.status?.phase).toBe('Running');
    await h.advance(1000, 500);
    const p = await h.waitPod('dl', (p) => p.status?.phase === 'Failed' && p.status.containerStatuses?.[0]?.state?.terminated);
    expect(p.status).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
  });

  it('a finished pod frees its resources for the next one', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' }, capacity: { cpu: '1' } });
    const req = { containers: [{ name: 'c', image: 'busybox:1', resources: { requests: { cpu: '800m' } } }] };
    await h.createPod('job', { restartPolicy: 'Never', ...req }, { 'exit-after': '5s' });
    await h.waitPod('job', (p) => p.status?.phase === 'Running');
    await h.advance(5000, 500);
    await h.waitPod('job', (p) => p.status?.phase === 'Succeeded');
    await h.createPod('next', req);
    await h.waitPod('next', (p) => p.status?.phase === 'Running');
  });
});

describe('node agent + sim runtime: spec changes and sidecars', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  it('a changed image restarts the container with the new image', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('img', {});
    await h.waitPod('img', (p) => p.status?.phase === 'Running');
    await h.cluster.client.patch({ apiVersion: 'v1', kind: 'Pod' }, 'img', 'strategic', { spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } }, { namespace: 'default' });
    const p = await h.waitPod('img', (p) => p.status?.containerStatuses?.[0]?.restartCount === 1 && p.status.containerStatuses[0].state?.running);
    expect(p.status?.containerStatuses?.[0]?.image).toBe('nginx:1.28');
    expect((await h.events('img')).some((e) => e.message === 'Container c definition changed, will be restarted')).toBe(true);
  });

  it('a sidecar (restartable init container) starts before the containers and keeps running', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('side', { initContainers: [{ name: 'proxy', image: 'envoy:1', restartPolicy: 'Always' }] });
    const p = await h.waitPod('side', (p) => p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
    expect(p.status?.initContainerStatuses?.[0]?.state?.running).toBeDefined();
    expect(p.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    // kubectl counts a started sidecar among the containers.
    expect(podSummary(p, h.cluster.clock.now())).toMatchObject({ ready: '2/2', status: 'Running' });
  });
});
