import type { Pod } from '@keelson/api';
import type { Clock, Timer } from '@keelson/core';
import type { WaitingPod } from './interfaces.js';
import { Code, Status } from './status.js';

/** Longest a Permit plugin may hold a pod (kube's maxTimeout). */
export const MaxPermitTimeoutMs = 15 * 60_000;

/** Go's time.Duration String for whole milliseconds ("10s", "1m30s", "500ms"). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = Number.isInteger(s) ? String(s) : String(Number(s.toFixed(3)));
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${sec}s`;
}

/** A pod held at Permit until every waiting plugin allows it, one rejects it, or a timeout. */
export class WaitingPodImpl implements WaitingPod {
  private readonly pending = new Map<string, Timer>();
  private settle!: (s: Status | undefined) => void;
  private done = false;
  /** Resolves with undefined (allowed) or the rejection. */
  readonly result: Promise<Status | undefined>;

  constructor(
    readonly pod: Pod,
    readonly nodeName: string,
    waits: Map<string, number>,
    clock: Clock,
  ) {
    this.result = new Promise((resolve) => (this.settle = resolve));
    for (const [plugin, ms] of waits) {
      this.pending.set(
        plugin,
        clock.setTimer(ms, () => this.reject(plugin, `rejected due to timeout after waiting ${goDuration(ms)} at plugin ${plugin}`)),
      );
    }
  }

  pendingPlugins(): string[] {
    return [...this.pending.keys()];
  }

  allow(pluginName: string): void {
    const t = this.pending.get(pluginName);
    if (!t || this.done) return;
    t.stop();
    this.pending.delete(pluginName);
    if (this.pending.size === 0) this.finish(undefined);
  }

  reject(pluginName: string, message: string): void {
    if (this.done) return;
    this.finish(new Status(Code.Unschedulable, [message]).withPlugin(pluginName));
  }

  private finish(s: Status | undefined): void {
    this.done = true;
    for (const t of this.pending.values()) t.stop();
    this.pending.clear();
    this.settle(s);
  }
}

/** The waiting pods of a scheduler, by uid (shared by its profiles). */
export class WaitingPods {
  private readonly pods = new Map<string, WaitingPodImpl>();
  add(wp: WaitingPodImpl): void {
    this.pods.set(wp.pod.metadata.uid!, wp);
  }
  get(uid: string): WaitingPodImpl | undefined {
    return this.pods.get(uid);
  }
  remove(uid: string): void {
    this.pods.delete(uid);
  }
  forEach(fn: (wp: WaitingPod) => void): void {
    for (const wp of this.pods.values()) fn(wp);
  }
}
