import type { Lease, LeaseSpec } from '@keelson/api';
import type { Client } from '../client/client.js';
import { type Clock, rfc3339Micro } from '../clock/clock.js';
import type { LeaderElector } from '../controller/manager.js';
import { type Logger, silentLogger } from '../log.js';
import { LeaseLock } from './lease-lock.js';

export type { LeaderElector };

export interface LeaseLeaderElectorOptions {
  client: Client;
  clock: Clock;
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease is valid without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it steps down (default 10 s). */
  renewDeadlineMs?: number;
  /** Time between attempts (default 2 s). */
  retryPeriodMs?: number;
  /** Give the lease up when stopped, so another candidate takes over at once. */
  releaseOnCancel?: boolean;
  log?: Logger;
  /** Jitter source (tests pass a constant). */
  random?: () => number;
}

/**
 * Lease-based leader election, as client-go's leaderelection: acquire a free or expired Lease
 * (expiry judged by when this process last saw the record change), renew it every retry period,
 * step down if renewing fails for the renew deadline.
 */
export function createLeaseLeaderElector(opts: LeaseLeaderElectorOptions): LeaderElector & { isLeader(): boolean } {
  const lock = new LeaseLock(opts.client, opts.namespace, opts.name);
  const leaseMs = opts.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
  const retryMs = opts.retryPeriodMs ?? 2_000;
  const random = opts.random ?? Math.random;
  const log = opts.log ?? silentLogger;
  const clock = opts.clock;
  let observed: { record: string; at: number } | undefined;
  let leader = false;
  let lastReported: string | undefined;

  const recordOf = (l: Lease) => JSON.stringify(l.spec ?? {});

  /** One attempt; true when this process holds the lease afterwards. */
  async function tryAcquireOrRenew(onNewLeader?: (id: string) => void): Promise<boolean> {
    const now = clock.now();
    const fresh: LeaseSpec = {
      holderIdentity: opts.identity,
      leaseDurationSeconds: Math.ceil(leaseMs / 1000),
      acquireTime: rfc3339Micro(now),
      renewTime: rfc3339Micro(now),
      leaseTransitions: 0,
    };
    const current = await lock.get();
    if (!current) {
      try {
        await lock.create(fresh);
        observed = { record: JSON.stringify(fresh), at: now };
        return true;
      } catch {
        return false;
      }
    }
    const spec = current.spec ?? {};
    const rec = recordOf(current);
    if (!observed || observed.record !== rec) observed = { record: rec, at: now };
    const holder = spec.holderIdentity ?? '';
    if (holder && holder !== lastReported) {
      lastReported = holder;
      onNewLeader?.(holder);
    }
    const duration = (spec.leaseDurationSeconds ?? Math.ceil(leaseMs / 1000)) * 1000;
    if (holder && holder !== opts.identity && observed.at + duration > now) return false;
    const next: LeaseSpec =
      holder === opts.identity
        ? { ...spec, renewTime: rfc3339Micro(now), leaseDurationSeconds: fresh.leaseDurationSeconds }
        : { ...fresh, leaseTransitions: (spec.leaseTransitions ?? 0) + (holder ? 1 : 0) };
    try {
      const updated = await lock.update(current, next);
      observed = { record: recordOf(updated), at: now };
      return true;
    } catch {
      return false;
    }
  }

  async function release(): Promise<void> {
    const current = await lock.get();
    if (!current || current.spec?.holderIdentity !== opts.identity) return;
    const now = rfc3339Micro(clock.now());
    await lock.update(current, { ...current.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: now, acquireTime: now }).catch(() => undefined);
  }

  const jittered = () => retryMs * (1 + 0.2 * random());

  return {
    isLeader: () => leader,
    async run(callbacks, signal) {
      const sleep = (ms: number) => clock.sleep(ms, signal).then(
        () => true,
        () => false,
      );
      while (!signal.aborted) {
        // Acquire.
        while (!signal.aborted && !(await tryAcquireOrRenew(callbacks.onNewLeader).catch(() => false))) {
          if (!(await sleep(jittered()))) break;
        }
        if (signal.aborted) break;
        leader = true;
        log.info('acquired lease', { lease: lock.describe(), identity: opts.identity });
        const term = new AbortController();
        const onAbort = () => term.abort(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        callbacks.onStartedLeading(term.signal);
        // Renew until the deadline passes without a successful renewal.
        let lastRenew = clock.now();
        while (!signal.aborted) {
          if (!(await sleep(retryMs))) break;
          if (await tryAcquireOrRenew().catch(() => false)) lastRenew = clock.now();
          else if (clock.now() - lastRenew >= renewDeadlineMs) break;
        }
        signal.removeEventListener('abort', onAbort);
        leader = false;
        term.abort(new Error('leadership lost'));
        callbacks.onStoppedLeading();
        if (signal.aborted) {
          if (opts.releaseOnCancel) await release();
          break;
        }
        log.warn('lost lease', { lease: lock.describe(), identity: opts.identity });
      }
    },
  };
}
