import { describe, expect, it } from 'vitest';
import { rfc3339, rfc3339Micro } from './clock.js';
import { FakeClock } from './fake-clock.js';

describe('FakeClock', () => {
  it('fires timers in time order, including ones scheduled by earlier timers within the window', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push(`c@${clock.now()}`));
    clock.setTimer(100, () => {
      fired.push(`a@${clock.now()}`);
      clock.setTimer(50, () => fired.push(`b@${clock.now()}`));
    });
    await clock.advance(299);
    expect(fired).toEqual(['a@100', 'b@150']);
    expect(clock.now()).toBe(299);
    await clock.advance(1);
    expect(fired).toEqual(['a@100', 'b@150', 'c@300']);
  });

  it('stops timers and tickers, and ticks at every period', async () => {
    const clock = new FakeClock(0);
    let ticks = 0;
    const t = clock.tick(1000, () => ticks++);
    const timer = clock.setTimer(10, () => ticks += 100);
    expect(timer.stop()).toBe(true);
    expect(timer.stop()).toBe(false);
    await clock.advance(3500);
    expect(ticks).toBe(3);
    t.stop();
    await clock.advance(10_000);
    expect(ticks).toBe(3);
    expect(clock.pending()).toBe(0);
  });

  it('resolves sleeps when time passes and rejects them on abort', async () => {
    const clock = new FakeClock(0);
    let woke = false;
    void clock.sleep(5000).then(() => (woke = true));
    await clock.advance(4999);
    expect(woke).toBe(false);
    await clock.advance(1);
    expect(woke).toBe(true);
    const abort = new AbortController();
    const p = clock.sleep(1000, abort.signal);
    abort.abort(new Error('cancelled'));
    await expect(p).rejects.toThrow('cancelled');
    expect(await clock.advanceToNext()).toBe(false);
  });

  it('lets async work triggered by a timer run before the next timer', async () => {
    const clock = new FakeClock(0);
    const order: string[] = [];
    clock.setTimer(10, () => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => order.push('async after first'));
    });
    clock.setTimer(20, () => order.push('second'));
    await clock.advance(20);
    expect(order).toEqual(['async after first', 'second']);
  });

  it('formats Kubernetes timestamps', () => {
    expect(rfc3339(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).toBe('2025-01-02T03:04:05Z');
    expect(rfc3339Micro(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).toBe('2025-01-02T03:04:05.678000Z');
  });
});
