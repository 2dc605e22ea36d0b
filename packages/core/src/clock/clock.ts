/**
 * Time, injected everywhere. Components never call Date.now() or setTimeout directly, so tests
 * can swap in FakeClock and fast-forward schedules, back-offs and grace periods.
 */
export interface Timer {
  /** Cancels the timer; returns false if it already fired or was stopped. */
  stop(): boolean;
}

export interface Ticker {
  stop(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs fn once after ms. */
  setTimer(ms: number, fn: () => void): Timer;
  /** Runs fn every ms until stopped. */
  tick(ms: number, fn: () => void): Ticker;
  /** Resolves after ms (rejects with the signal's reason if aborted first). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** RFC 3339 timestamp with second precision, as Kubernetes writes metav1.Time. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 with microseconds, as metav1.MicroTime (Lease renewTime, Event eventTime). */
export function rfc3339Micro(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(ms: number, fn: () => void): Timer {
    let done = false;
    const h = setTimeout(() => {
      done = true;
      fn();
    }, Math.max(0, ms));
    h.unref?.();
    return {
      stop: () => {
        if (done) return false;
        done = true;
        clearTimeout(h);
        return true;
      },
    };
  }

  tick(ms: number, fn: () => void): Ticker {
    const h = setInterval(fn, Math.max(1, ms));
    h.unref?.();
    return { stop: () => clearInterval(h) };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
}

/** sleep() in terms of setTimer(), shared by both clocks. */
export function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      timer.stop();
      reject(abortError(signal!));
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
