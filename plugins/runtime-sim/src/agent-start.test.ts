import { podSummary } from '@keelson/plugin-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from './agent-harness.js';

const cond = (p: { status?: { conditions?: { type: string; status: string; reason?: string }[] } }, type: string) => p.status?.conditions?.find((c) => c.type === type);

describe('node agent + sim runtime: starting pods', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  it('an nginx pod is Pending/ContainerCreating, then Running and Ready after the start delay', async () => {
    h = await startAgentHarness();
    await h.createPod('web', {});
    const pending = await h.waitPod('web', (p) => p.status?.containerStatuses);
    expect(pending.status?.phase).toBe('Pending');
    expect(pending.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    expect(cond(pending, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(podSummary(pending, h.cluster.clock.now()).status).toBe('ContainerCreating');
    await h.advance(100);
    const p = await h.waitPod('web', (p) => p.status?.phase === 'Running' && cond(p, 'Ready')?.status === 'True');
    expect(p.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True']);
    expect(p.status?.podIP).toBe('127.244.1.2');
    expect(p.status?.podIPs).toEqual([{ ip: '127.244.1.2' }]);
    expect(p.status?.hostIP).toBe('127.1.0.1');
    expect(p.status?.qosClass).toBe('BestEffort');
    expect(p.status?.startTime).toBeDefined();
    const cs = p.status!.containerStatuses![0]!;
    expect(cs).toMatchObject({ name: 'c', ready: true, started: true, restartCount: 0, image: 'nginx:1.27' });
    expect(cs.containerID).toMatch(/^keelson-sim:\/\/[0-9a-f]{64}$/);
    expect(cs.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:/);
    expect(podSummary(p, h.cluster.clock.now())).toMatchObject({ ready: '1/1', status: 'Running', restarts: '0' });
    const reasons = (await h.events('web')).map((e) => e.reason);
    expect(reasons.sort()).toEqual(['Created', 'Pulled', 'Pulling', 'Started']);
  });

  it('runs init containers in order before the containers (Init:0/2, Init:1/2, Running)', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('init', { initContainers: [{ name: 'i1', image: 'busybox:1' }, { name: 'i2', image: 'busybox:1' }] }, { 'exit-after.i1': '2s', 'exit-after.i2': '3s' });
    const seen: string[] = [];
    const note = async () => {
      const p = await h.getPod('init');
      const s = podSummary(p!, h.cluster.clock.now()).status;
      if (seen[seen.length - 1] !== s) seen.push(s);
      return p!;
    };
    await h.waitPod('init', (p) => p.status?.initContainerStatuses?.[0]?.state?.running);
    for (let i = 0; i < 7; i++) {
      await note();
      await h.advance(1000);
    }
    const p = await note();
    expect(seen).toEqual(['Init:0/2', 'Init:1/2', 'Running']);
    expect(p.status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
    const i1 = p.status!.initContainerStatuses![0]!.state!.terminated!;
    const i2 = p.status!.initContainerStatuses![1]!.state!.terminated!;
    expect(Date.parse(i2.startedAt!)).toBeGreaterThanOrEqual(Date.parse(i1.finishedAt!));
    expect(Date.parse(p.status!.containerStatuses![0]!.state!.running!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(i2.finishedAt!));
    expect(cond(p, 'Initialized')?.status).toBe('True');
  });

  it('a failed init container fails the pod with restartPolicy Never (Init:Error)', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('bad', { restartPolicy: 'Never', initContainers: [{ name: 'i1', image: 'busybox:1' }] }, { 'exit-code.i1': '2', 'exit-after.i1': '1s' });
    await h.advance(1500);
    const p = await h.waitPod('bad', (p) => p.status?.phase === 'Failed');
    expect(p.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(p.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
    expect(podSummary(p, h.cluster.clock.now()).status).toBe('Init:Error');
    expect(cond(p, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized' });
  });

  it('a failing init container is restarted with back-off under restartPolicy Always (Init:CrashLoopBackOff)', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('loop', { initContainers: [{ name: 'i1', image: 'busybox:1' }] }, { 'exit-code.i1': '1', 'exit-after.i1': '1s' });
    await h.advance(2500);
    const p = await h.waitPod('loop', (p) => p.status?.initContainerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.initContainerStatuses?.[0]?.restartCount).toBe(1);
    expect(podSummary(p, h.cluster.clock.now()).status).toBe('Init:CrashLoopBackOff');
  });

  it('a pod with requests gets its QoS class and the sandbox keeps one IP per pod', async () => {
    h = await startAgentHarness();
    await h.createPod('g', { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } } }] });
    await h.createPod('b', {});
    await h.advance(200);
    const g = await h.waitPod('g', (p) => p.status?.phase === 'Running');
    const b = await h.waitPod('b', (p) => p.status?.phase === 'Running');
    expect(g.status?.qosClass).toBe('Guaranteed');
    expect(new Set([g.status?.podIP, b.status?.podIP]).size).toBe(2);
  });
});
