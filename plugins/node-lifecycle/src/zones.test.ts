import { FakeClock } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { computeZoneState, RateLimitedTimedQueue, TokenBucket, zoneKey } from './zones.js';

const c = (status: 'True' | 'False' | 'Unknown') => ({ type: 'Ready', status });

describe('zones', () => {
  it('computes kube zone states', () => {
    expect(computeZoneState([c('Unknown')], 0.55).state).toBe('FullDisruption');
    expect(computeZoneState([c('True'), c('Unknown'), c('Unknown')], 0.55).state).toBe('Normal'); // not more than two not-ready
    expect(computeZoneState([c('True'), c('Unknown'), c('False'), undefined], 0.55)).toEqual({ notReady: 3, state: 'PartialDisruption' });
    expect(computeZoneState([c('True'), c('True'), c('Unknown'), c('False'), undefined], 0.55).state).toBe('PartialDisruption');
    expect(computeZoneState([c('True'), c('True'), c('True'), c('Unknown'), c('False'), undefined], 0.55).state).toBe('Normal');
  });

  it('keys zones by region and zone labels', () => {
    expect(zoneKey({ metadata: {} })).toBe('');
    expect(zoneKey({ metadata: { labels: { 'topology.kubernetes.io/region': 'r', 'failure-domain.beta.kubernetes.io/zone': 'z' } } })).toBe('r:\x00:z');
  });

  it('a token bucket of 0.1 qps and burst 1 accepts once per 10 s; qps 0 never', () => {
    const clock = new FakeClock();
    const b = new TokenBucket(clock, 0.1, 1);
    expect(b.tryAccept()).toBe(true);
    expect(b.tryAccept()).toBe(false);
    clock.set(clock.now() + 9_999);
    expect(b.tryAccept()).toBe(false);
    clock.set(clock.now() + 1);
    expect(b.tryAccept()).toBe(true);
    expect(new TokenBucket(clock, 0, 1).tryAccept()).toBe(false);
  });

  it('the timed queue keeps handled values in its set until removed', async () => {
    const clock = new FakeClock();
    const q = new RateLimitedTimedQueue(clock, new TokenBucket(clock, 100, 100));
    expect(q.add('n1', 'u1')).toBe(true);
    expect(q.add('n1', 'u1')).toBe(false);
    const seen: string[] = [];
    await q.try(async (v) => (seen.push(v.value), [true, 0]));
    expect(seen).toEqual(['n1']);
    expect(q.add('n1', 'u1')).toBe(false); // handled, still in the set
    expect(q.remove('n1')).toBe(true);
    expect(q.add('n1', 'u1')).toBe(true);
    await q.try(async () => [false, 50]); // not done: retried after 50 ms
    await q.try(async (v) => (seen.push(v.value), [true, 0]));
    expect(seen).toEqual(['n1']);
    clock.set(clock.now() + 51);
    await q.try(async (v) => (seen.push(v.value), [true, 0]));
    expect(seen).toEqual(['n1', 'n1']);
  });
});
