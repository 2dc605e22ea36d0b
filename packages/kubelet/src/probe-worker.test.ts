import type { Container, Pod, Probe } from '@keelson/api';
import { FakeClock } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { type ProbeResult, ProbeWorker } from './probe-worker.js';
import type { ProbeKind, Runtime } from './runtime.js';

const pod: Pod = { metadata: { name: 'p', namespace: 'default', uid: 'u' } };
const container: Container = { name: 'c', image: 'nginx' };

/** A runtime whose probe answers come from a function of the time since start. */
function scripted(clock: FakeClock, startedAt: number, answer: (elapsedMs: number) => boolean, calls: number[]): Runtime {
  return {
    probe: async () => {
      calls.push(clock.now() - startedAt);
      return { ok: answer(clock.now() - startedAt) };
    },
  } as unknown as Runtime;
}

function worker(kind: ProbeKind, probe: Probe, answer: (elapsedMs: number) => boolean, started = () => true) {
  const clock = new FakeClock();
  const startedAt = clock.now();
  const calls: number[] = [];
  const results: { at: number; result: ProbeResult }[] = [];
  const w = new ProbeWorker({
    clock,
    runtime: scripted(clock, startedAt, answer, calls),
    kind,
    pod: () => pod,
    container,
    probe,
    startedAt,
    started,
    onResult: (_k, result) => results.push({ at: clock.now() - startedAt, result }),
  });
  w.start();
  return { clock, w, calls, results };
}

describe('ProbeWorker', () => {
  it('readiness starts as Failure, turns Success on the first ok probe (successThreshold 1)', async () => {
    const { clock, w, results } = worker('readiness', { exec: { command: ['true'] } }, () => true);
    expect(w.result).toBe('Failure');
    await clock.advance(0);
    expect(results).toEqual([{ at: 0, result: 'Success' }]);
  });

  it('waits initialDelaySeconds, then probes every periodSeconds', async () => {
    const { clock, calls } = worker('readiness', { exec: {}, initialDelaySeconds: 15, periodSeconds: 5 }, () => true);
    await clock.advance(30_000);
    expect(calls).toEqual([15_000, 20_000, 25_000, 30_000]);
  });

  it('records a failure only after failureThreshold consecutive failures', async () => {
    // ok for 20 s, then failing; period 10 s, failureThreshold 3.
    const { clock, results } = worker('liveness', { exec: {}, periodSeconds: 10, failureThreshold: 3 }, (t) => t < 20_000);
    await clock.advance(30_000);
    expect(results).toEqual([]);
    await clock.advance(10_000);
    expect(results).toEqual([{ at: 40_000, result: 'Failure' }]);
  });

  it('needs successThreshold consecutive successes to become ready again', async () => {
    // fail until 10 s, ok after; period 1 s, successThreshold 3.
    const { clock, results } = worker('readiness', { exec: {}, periodSeconds: 1, successThreshold: 3, failureThreshold: 1 }, (t) => t >= 10_000);
    await clock.advance(11_000);
    expect(results).toEqual([]);
    await clock.advance(1000);
    expect(results).toEqual([{ at: 12_000, result: 'Success' }]);
  });

  it('holds after a liveness failure (until the container is replaced)', async () => {
    const { clock, results, calls } = worker('liveness', { exec: {}, periodSeconds: 1, failureThreshold: 1 }, () => false);
    await clock.advance(5000);
    expect(results).toEqual([{ at: 0, result: 'Failure' }]);
    expect(calls).toEqual([0]);
  });

  it('liveness and readiness wait for the startup probe; startup stops once it succeeded', async () => {
    let started = false;
    const r = worker('readiness', { exec: {}, periodSeconds: 1 }, () => true, () => started);
    await r.clock.advance(3000);
    expect(r.calls).toEqual([]);
    started = true;
    await r.clock.advance(1000);
    expect(r.calls).toEqual([4000]);
    const s = worker('startup', { exec: {}, periodSeconds: 1, failureThreshold: 30 }, (t) => t >= 2000);
    await s.clock.advance(5000);
    expect(s.results).toEqual([{ at: 2000, result: 'Success' }]);
    expect(s.calls).toEqual([0, 1000, 2000]);
  });
});
