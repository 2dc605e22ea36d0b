import { type Clock, type Ticker, type Timer, sleepWith } from './clock.js';

interface Scheduled {
  id: number;
  at: number;
  fn: () => void;
  /** For tickers: the period; the entry is re-armed after each run. */
  every?: number;
  stopped: boolean;
}

/**
 * A clock that only moves when told to. `advance(ms)` fires every timer due within the window in
 * time order (timers scheduled by those callbacks fire too if they fall inside the window), and
 * lets pending promise callbacks run between timers so async code reacts as it would in real time.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private queue: Scheduled[] = [];

  constructor(start: number | Date = Date.UTC(2025, 0, 1, 0, 0, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const entry = this.schedule(Math.max(0, ms), fn);
    return {
      stop: () => {
        if (entry.stopped) return false;
        entry.stopped = true;
        this.queue = this.queue.filter((e) => e !== entry);
        return true;
      },
    };
  }

  tick(ms: number, fn: () => void): Ticker {
    const entry = this.schedule(Math.max(1, ms), fn, Math.max(1, ms));
    return {
      stop: () => {
        entry.stopped = true;
        this.queue = this.queue.filter((e) => e !== entry);
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Number of timers and tickers waiting to fire. */
  pending(): number {
    return this.queue.length;
  }

  /** Time of the next timer, if any. */
  nextAt(): number | undefined {
    return this.queue[0]?.at;
  }

  /** Moves time forward by ms, firing due timers in order; awaits microtasks between them. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.queue[0];
      if (!next || next.at > target) break;
      this.queue.shift();
      this.current = Math.max(this.current, next.at);
      if (next.every !== undefined && !next.stopped) {
        next.at += next.every;
        this.insert(next);
      } else {
        next.stopped = true;
      }
      next.fn();
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }

  /** Jumps to the next timer (if any) and fires it and anything due at the same instant. */
  async advanceToNext(): Promise<boolean> {
    const at = this.nextAt();
    if (at === undefined) return false;
    await this.advance(Math.max(0, at - this.current));
    return true;
  }

  /** Sets the time without firing timers (for tests of "time went backwards/forwards" logic). */
  set(ms: number): void {
    this.current = ms;
  }

  private schedule(ms: number, fn: () => void, every?: number): Scheduled {
    const entry: Scheduled = { id: this.seq++, at: this.current + ms, fn, every, stopped: false };
    this.insert(entry);
    return entry;
  }

  private insert(entry: Scheduled): void {
    // Stable by (at, id): binary search for the insertion point.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.queue[mid]!;
      if (m.at < entry.at || (m.at === entry.at && m.id < entry.id)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, entry);
  }
}

/** Lets every queued promise callback (and the ones they queue) run. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
  await new Promise<void>((r) => setImmediate(r));
}
