/**
 * The binding cycle's extension points of one profile (Reserve, Permit, PreBind, Bind, PostBind),
 * run in kube's order and with kube's rules; the Framework runs them through here.
 */
import type { Pod } from '@keelson/api';
import type { Clock, Logger } from '@keelson/core';
import type { BuiltProfile } from './build-profile.js';
import type { CycleState } from './cycle-state.js';
import type { BindPlugin, PermitPlugin, PermitResult, PostBindPlugin, PreBindPlugin, ReservePlugin } from './interfaces.js';
import { asStatus, wrapError } from './plugin-status.js';
import { Code, Status } from './status.js';
import { MaxPermitTimeoutMs, WaitingPodImpl, type WaitingPods } from './waiting-pods.js';

export class BindingCycle {
  constructor(
    private readonly points: BuiltProfile['points'],
    private readonly waitingPods: WaitingPods,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async reserve(state: CycleState, pod: Pod, nodeName: string): Promise<Status | undefined> {
    for (const pl of this.points.reserve as ReservePlugin[]) {
      const s = asStatus(await pl.reserve(state, pod, nodeName));
      if (s) {
        s.plugin ||= pl.name;
        return s.isRejected() ? s : wrapError(`running Reserve plugin "${pl.name}"`, s);
      }
    }
    return undefined;
  }

  /** Every Reserve plugin's unreserve, in reverse order (errors are logged, not returned). */
  async unreserve(state: CycleState, pod: Pod, nodeName: string): Promise<void> {
    const list = this.points.reserve as ReservePlugin[];
    for (let i = list.length - 1; i >= 0; i--) {
      try {
        await list[i]!.unreserve(state, pod, nodeName);
      } catch (err) {
        this.log.error('unreserve failed', { plugin: list[i]!.name, error: String(err) });
      }
    }
  }

  /** Permit plugins: a rejection ends it; Wait parks the pod (see waitOnPermit). */
  async permit(state: CycleState, pod: Pod, nodeName: string): Promise<Status | undefined> {
    const waits = new Map<string, number>();
    for (const pl of this.points.permit as PermitPlugin[]) {
      const out = await pl.permit(state, pod, nodeName);
      const res: PermitResult = out instanceof Status || !out ? { status: out } : (out as PermitResult);
      const s = asStatus(res.status);
      if (!s) continue;
      s.plugin ||= pl.name;
      if (s.isRejected()) return s;
      if (s.isWait()) {
        waits.set(pl.name, Math.min(res.timeoutMs ?? MaxPermitTimeoutMs, MaxPermitTimeoutMs));
        continue;
      }
      return wrapError(`running Permit plugin "${pl.name}"`, s);
    }
    if (waits.size === 0) return undefined;
    this.waitingPods.add(new WaitingPodImpl(pod, nodeName, waits, this.clock));
    return new Status(Code.Wait, [`one or more plugins asked to wait and no plugin rejected pod "${pod.metadata.name}"`]);
  }

  /** Waits until a pod held at Permit is allowed (undefined) or rejected. */
  async waitOnPermit(pod: Pod): Promise<Status | undefined> {
    const wp = this.waitingPods.get(pod.metadata.uid!);
    if (!wp) return undefined;
    try {
      return await wp.result;
    } finally {
      this.waitingPods.remove(pod.metadata.uid!);
    }
  }

  async preBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status | undefined> {
    for (const pl of this.points.preBind as PreBindPlugin[]) {
      const s = asStatus(await pl.preBind(state, pod, nodeName));
      if (s?.isSkip()) continue;
      if (s) {
        s.plugin ||= pl.name;
        return s.isRejected() ? s : wrapError(`running PreBind plugin "${pl.name}"`, s);
      }
    }
    return undefined;
  }

  /** Bind plugins until one does not Skip. All skipping is a Skip status. */
  async bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status | undefined> {
    let last: Status | undefined = Status.skip();
    for (const pl of this.points.bind as BindPlugin[]) {
      const s = asStatus(await pl.bind(state, pod, nodeName));
      if (s?.isSkip()) {
        last = s;
        continue;
      }
      if (s) {
        s.plugin ||= pl.name;
        return s.isRejected() ? s : wrapError(`running Bind plugin "${pl.name}"`, s);
      }
      return undefined;
    }
    return last;
  }

  async postBind(state: CycleState, pod: Pod, nodeName: string): Promise<void> {
    for (const pl of this.points.postBind as PostBindPlugin[]) {
      try {
        await pl.postBind(state, pod, nodeName);
      } catch (err) {
        this.log.error('postBind failed', { plugin: pl.name, error: String(err) });
      }
    }
  }
}
