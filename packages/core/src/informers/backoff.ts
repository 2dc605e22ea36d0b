import type { Clock } from '../clock/clock.js';

/**
 * Jittered exponential back-off with a reset after a clean period, as client-go's reflector uses
 * (wait.NewExponentialBackoffManager(800ms, 30s, 2m, 2.0, 1.0)): delays 800 ms, 1.6 s, 3.2 s, ...
 * capped at 30 s, each stretched by up to `jitter` × itself; when no back-off was asked for during
 * `resetAfterMs`, the next one starts from the initial delay again.
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** 0 = none; 1.0 = each delay d becomes d + random() × d. */
  jitter?: number;
  resetAfterMs?: number;
  /** A number in [0, 1); Math.random by default (tests pin it). */
  random?: () => number;
}

export const defaultBackoff = {
  initialMs: 800,
  maxMs: 30_000,
  factor: 2,
  jitter: 1.0,
  resetAfterMs: 120_000,
} as const;

export class ExponentialBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly resetAfterMs: number;
  private readonly random: () => number;
  private current: number;
  private lastAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    opts: BackoffOptions = {},
  ) {
    this.initialMs = opts.initialMs ?? defaultBackoff.initialMs;
    this.maxMs = opts.maxMs ?? defaultBackoff.maxMs;
    this.factor = opts.factor ?? defaultBackoff.factor;
    this.jitter = opts.jitter ?? defaultBackoff.jitter;
    this.resetAfterMs = opts.resetAfterMs ?? defaultBackoff.resetAfterMs;
    this.random = opts.random ?? Math.random;
    this.current = this.initialMs;
  }

  /** The next delay in ms. */
  next(): number {
    const now = this.clock.now();
    if (this.lastAt !== undefined && now - this.lastAt > this.resetAfterMs) this.current = this.initialMs;
    this.lastAt = now;
    const base = this.current;
    this.current = Math.min(this.maxMs, this.current * this.factor);
    return this.jitter > 0 ? base + this.random() * this.jitter * base : base;
  }

  reset(): void {
    this.current = this.initialMs;
    this.lastAt = undefined;
  }
}
