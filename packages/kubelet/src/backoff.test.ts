import { FakeClock } from '@keelson/core';
import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff (flowcontrol, as the kubelet uses it)', () => {
  it('doubles from 10 s to a 5 min cap', () => {
    const clock = new FakeClock();
    const b = new Backoff(clock);
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.next('k');
      seen.push(b.get('k') / 1000);
    }
    expect(seen).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it('is in back-off for the current delay after the event, and expires after 2 × max untouched', async () => {
    const clock = new FakeClock();
    const b = new Backoff(clock);
    expect(b.isInBackOffSince('k', clock.now())).toBe(false);
    b.next('k');
    const event = clock.now();
    expect(b.isInBackOffSince('k', event)).toBe(true);
    await clock.advance(9_999);
    expect(b.isInBackOffSince('k', event)).toBe(true);
    expect(b.remaining('k', event)).toBe(1);
    await clock.advance(1);
    expect(b.isInBackOffSince('k', event)).toBe(false);
    b.next('k');
    expect(b.get('k')).toBe(20_000);
    // A container that ran more than 10 minutes since the last restart starts over.
    await clock.advance(600_001);
    expect(b.isInBackOffSince('k', clock.now())).toBe(false);
    b.next('k', clock.now());
    expect(b.get('k')).toBe(10_000);
  });

  it('image pulls: in back-off since the last failure', async () => {
    const clock = new FakeClock();
    const b = new Backoff(clock);
    b.next('img');
    expect(b.isInBackOffSinceUpdate('img')).toBe(true);
    await clock.advance(10_000);
    expect(b.isInBackOffSinceUpdate('img')).toBe(false);
  });
});
