import type { ContainerLogsRequest, PodLogOptions } from '@keelson/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type AgentHarness, startAgentHarness } from './agent-harness.js';

async function text(stream: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk;
  return out;
}

function req(podName: string, options: PodLogOptions = {}, containerName = 'c'): ContainerLogsRequest {
  return { namespace: 'default', podName, containerName, options };
}

describe('node agent + sim runtime: container logs (the kubelet side of pods/log)', () => {
  let h: AgentHarness;
  afterEach(() => h?.stop());
  const never = new AbortController().signal;

  it('serves the log with tail, timestamps, since and limitBytes on the Clock', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' }, events: false });
    await h.createPod('web', { restartPolicy: 'Never' }, { logs: 'one\\ntwo', 'exit-after': '90s' });
    await h.waitPod('web', (p) => p.status?.containerStatuses?.[0]?.state?.running);
    const t0 = h.cluster.clock.now();
    expect(await text(await h.agent.containerLogs(req('web'), never))).toBe('[sim] container c started (image nginx:1.27, attempt 0)\none\ntwo\n');
    expect(await text(await h.agent.containerLogs(req('web', { tailLines: 1 }), never))).toBe('two\n');
    expect(await text(await h.agent.containerLogs(req('web', { tailLines: 0 }), never))).toBe('');
    expect(await text(await h.agent.containerLogs(req('web', { limitBytes: 5 }), never))).toBe('[sim]');
    // The exit 90 s later: --since=60s shows only it; timestamps are RFC 3339 with the Clock's time.
    await h.advance(100_000, 10_000);
    await h.waitPod('web', (p) => p.status?.containerStatuses?.[0]?.state?.terminated);
    const since = await text(await h.agent.containerLogs(req('web', { sinceSeconds: 60, timestamps: true }), never));
    expect(since).toBe(`${new Date(t0 + 90_000).toISOString().replace('.000Z', 'Z')} [sim] container c exited with code 0\n`);
    const all = await text(await h.agent.containerLogs(req('web', { sinceTime: t0, timestamps: true }), never));
    expect(all.split('\n')[1]).toBe(`${new Date(t0).toISOString().replace('.000Z', 'Z')} one`);
    expect(await text(await h.agent.containerLogs(req('web', { sinceTime: t0 + 91_000 }), never))).toBe('');
  });

  it('follow: new lines as they come, and the stream ends when the container exits', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' }, events: false });
    await h.createPod('job', { restartPolicy: 'Never' }, { 'exit-after': '5s' });
    await h.waitPod('job', (p) => p.status?.containerStatuses?.[0]?.state?.running);
    const chunks: string[] = [];
    let ended = false;
    const reading = (async () => {
      for await (const c of await h.agent.containerLogs(req('job', { follow: true }), never)) chunks.push(c);
      ended = true;
    })();
    await h.advance(4000);
    expect(chunks).toEqual(['[sim] container c started (image nginx:1.27, attempt 0)\n']);
    expect(ended).toBe(false);
    await h.advance(2000);
    await reading;
    expect(chunks.at(-1)).toBe('[sim] container c exited with code 0\n');
    expect(ended).toBe(true);
  });

  it('follow ends when the reader goes away', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' }, events: false });
    await h.createPod('web', {});
    await h.waitPod('web', (p) => p.status?.containerStatuses?.[0]?.state?.running);
    const abort = new AbortController();
    const reading = text(await h.agent.containerLogs(req('web', { follow: true }), abort.signal));
    await h.advance(1000);
    abort.abort();
    expect(await reading).toMatch(/^\[sim\] container c started/);
  });

  it('previous: the instance before the restart; the kubelet errors when there is none or nothing yet', async () => {
    h = await startAgentHarness({ profile: { startDelay: '0s' }, events: false });
    await h.createPod('crash', {}, { 'crash-loop': '1s', logs: 'boom' });
    await h.waitPod('crash', (p) => p.status?.containerStatuses?.[0]?.state?.running);
    await expect(h.agent.containerLogs(req('crash', { previous: true }), never)).rejects.toThrow('previous terminated container "c" in pod "crash" not found');
    await h.advance(2500);
    await h.waitPod('crash', (p) => p.status?.containerStatuses?.[0]?.lastState?.terminated);
    expect(await text(await h.agent.containerLogs(req('crash', { previous: true }), never))).toMatch(
      /^\[sim\] container c started \(image nginx:1\.27, attempt \d\)\nboom\n\[sim\] container c exited with code 1\n$/,
    );
    await h.createPod('slow', {}, { 'start-delay': '1h' });
    await h.advance(200);
    await h.waitPod('slow', (p) => p.status?.containerStatuses?.[0]?.state?.waiting);
    await expect(h.agent.containerLogs(req('slow'), never)).rejects.toMatchObject({ code: 400, message: 'container "c" in pod "slow" is waiting to start: ContainerCreating' });
    await expect(h.agent.containerLogs(req('gone'), never)).rejects.toMatchObject({ code: 404, message: 'pod "gone" does not exist' });
    await expect(h.agent.containerLogs(req('slow', {}, 'other'), never)).rejects.toThrow('container "other" in pod "slow" is not available');
  });
});
