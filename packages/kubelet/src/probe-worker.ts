import type { Container, Pod, Probe } from '@keelson/api';
import type { Clock, Ticker } from '@keelson/core';
import type { HandlerResult, ProbeKind, Runtime } from './runtime.js';

export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

/** kube's probe defaults. */
export function probeSettings(p: Probe) {
  return {
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds && p.periodSeconds > 0 ? p.periodSeconds : 10,
    timeoutSeconds: p.timeoutSeconds && p.timeoutSeconds > 0 ? p.timeoutSeconds : 1,
    successThreshold: p.successThreshold && p.successThreshold > 0 ? p.successThreshold : 1,
    failureThreshold: p.failureThreshold && p.failureThreshold > 0 ? p.failureThreshold : 3,
  };
}

/** The result a probe of this kind has before it first runs (kubelet's initialValue). */
export function initialProbeResult(kind: ProbeKind): ProbeResult {
  return kind === 'readiness' ? 'Failure' : kind === 'liveness' ? 'Success' : 'Unknown';
}

export interface ProbeWorkerOptions {
  clock: Clock;
  runtime: Runtime;
  kind: ProbeKind;
  pod: () => Pod;
  container: Container;
  probe: Probe;
  /** When the container instance started (ms). */
  startedAt: number;
  /** Whether the startup probe has passed (liveness and readiness wait for it). */
  started: () => boolean;
  /** Called when the probe's recorded result changes (after thresholds). */
  onResult: (kind: ProbeKind, result: ProbeResult, detail: HandlerResult | undefined) => void;
  /** Called for each failed attempt (kubelet's "Unhealthy" event). */
  onFailure?: (kind: ProbeKind, detail: HandlerResult) => void;
}

/**
 * One probe of one container instance (kubelet's prober worker): probes right away and then
 * every periodSeconds; does nothing before initialDelaySeconds, nor (liveness, readiness) before
 * the startup probe passed; a result is recorded only once it repeated successThreshold /
 * failureThreshold times in a row. After a liveness or startup failure the worker holds until
 * the container is replaced (a new worker), and the startup probe stops once it succeeded.
 */
export class ProbeWorker {
  private ticker: Ticker | undefined;
  private lastResult: ProbeResult;
  private resultRun = 0;
  private onHold = false;
  private inFlight = false;
  private stopped = false;
  readonly settings: ReturnType<typeof probeSettings>;
  result: ProbeResult;

  constructor(private readonly opts: ProbeWorkerOptions) {
    this.settings = probeSettings(opts.probe);
    this.result = initialProbeResult(opts.kind);
    this.lastResult = 'Unknown';
  }

  start(): void {
    void this.doProbe();
    this.ticker = this.opts.clock.tick(this.settings.periodSeconds * 1000, () => void this.doProbe());
  }

  stop(): void {
    this.stopped = true;
    this.ticker?.stop();
  }

  private async doProbe(): Promise<void> {
    const o = this.opts;
    if (this.stopped || this.onHold || this.inFlight) return;
    if (o.kind !== 'startup' && !o.started()) return;
    if (o.kind === 'startup' && this.result === 'Success') return;
    const elapsedSeconds = Math.floor((o.clock.now() - o.startedAt) / 1000);
    if (elapsedSeconds < this.settings.initialDelaySeconds) return;
    this.inFlight = true;
    let detail: HandlerResult;
    try {
      detail = await o.runtime.probe(o.pod(), o.container, o.kind, o.probe, this.settings.timeoutSeconds * 1000);
    } catch (err) {
      detail = { ok: false, message: (err as Error).message };
    } finally {
      this.inFlight = false;
    }
    if (this.stopped) return;
    const result: ProbeResult = detail.ok ? 'Success' : 'Failure';
    if (!detail.ok) o.onFailure?.(o.kind, detail);
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if ((result === 'Failure' && this.resultRun < this.settings.failureThreshold) || (result === 'Success' && this.resultRun < this.settings.successThreshold)) return;
    const changed = this.result !== result;
    this.result = result;
    if (result === 'Failure' && (o.kind === 'liveness' || o.kind === 'startup')) {
      this.onHold = true;
      this.resultRun = 0;
    }
    if (changed || (result === 'Failure' && o.kind !== 'readiness')) o.onResult(o.kind, result, detail);
  }
}
