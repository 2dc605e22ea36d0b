import { podSummary } from '@keelson/plugin-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from './agent-harness.js';

const ready = (p: { status?: { conditions?: { type: string; status: string }[] } }) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('node agent + sim runtime: probes', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());

  it('readiness: not ready until the probe passes, ready after, unready after failureThreshold failures', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    const probe = { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5, failureThreshold: 2 };
    await h.createPod('r', { containers: [{ name: 'c', image: 'nginx:1', readinessProbe: probe }] }, { readiness: 'fail 12s, ok 20s, fail' });
    await h.advance(100);
    let p = await h.waitPod('r', (p) => p.status?.containerStatuses?.[0]?.state?.running);
    expect(ready(p)).toBe('False');
    expect(podSummary(p, h.cluster.clock.now()).ready).toBe('0/1');
    // probes at 0, 5, 10 fail; 15 passes.
    await h.advance(14_000, 500);
    expect(ready((await h.getPod('r'))!)).toBe('False');
    await h.advance(1500, 500);
    p = await h.waitPod('r', (p) => ready(p) === 'True');
    expect(p.status?.containerStatuses?.[0]?.ready).toBe(true);
    // fails from 32 s: probes at 35 and 40 fail → unready at 40.
    await h.advance(39_000 - 15_600, 500);
    expect(ready((await h.getPod('r'))!)).toBe('True');
    await h.advance(1500, 500);
    p = await h.waitPod('r', (p) => ready(p) === 'False');
    expect(p.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    const unhealthy = (await h.events('r')).filter((e) => e.reason === 'Unhealthy');
    expect(unhealthy[0]?.message).toBe('Readiness probe failed: HTTP probe failed with statuscode: 500');
  });

  it('liveness: initialDelaySeconds, then failureThreshold failures restart the container', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    const probe = { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 };
    await h.createPod('l', { containers: [{ name: 'c', image: 'nginx:1', livenessProbe: probe }] }, { liveness: 'fail' });
    await h.waitPod('l', (p) => p.status?.containerStatuses?.[0]?.state?.running);
    // failures at 10, 20, 30 s → killed at 30 s.
    await h.advance(29_000, 500);
    expect((await h.getPod('l'))!.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    await h.advance(1500, 500);
    const p = await h.waitPod('l', (p) => p.status?.containerStatuses?.[0]?.restartCount === 1);
    expect(p.status?.containerStatuses?.[0]?.lastState?.terminated).toBeDefined();
    const events = await h.events('l');
    expect(events.some((e) => e.reason === 'Killing' && e.message === 'Container c failed liveness probe, will be restarted')).toBe(true);
  });

  it('startup probe holds liveness and readiness until it succeeds', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod(
      's',
      {
        containers: [
          {
            name: 'c',
            image: 'nginx:1',
            startupProbe: { tcpSocket: { port: 80 }, periodSeconds: 2, failureThreshold: 10 },
            livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      },
      { startup: 'fail 7s, ok', liveness: 'fail 7s, ok' },
    );
    let p = await h.waitPod('s', (p) => p.status?.containerStatuses?.[0]?.state?.running);
    expect(p.status?.containerStatuses?.[0]?.started).toBe(false);
    await h.advance(7500, 500);
    expect((await h.getPod('s'))!.status?.containerStatuses?.[0]).toMatchObject({ started: false, ready: false, restartCount: 0 });
    await h.advance(1000, 500);
    p = await h.waitPod('s', (p) => p.status?.containerStatuses?.[0]?.started === true);
    expect(p.status?.containerStatuses?.[0]).toMatchObject({ ready: true, restartCount: 0 });
  });

  it('startup probe failing failureThreshold times kills the container', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' } });
    await h.createPod('s', { containers: [{ name: 'c', image: 'nginx:1', startupProbe: { exec: {}, periodSeconds: 1, failureThreshold: 3 } }] }, { startup: 'fail' });
    await h.waitPod('s', (p) => p.status?.containerStatuses?.[0]?.state?.running);
    await h.advance(2500, 500);
    const p = await h.waitPod('s', (p) => p.status?.containerStatuses?.[0]?.restartCount === 1);
    expect(p.status?.containerStatuses?.[0]?.started).toBe(false);
  });
});
