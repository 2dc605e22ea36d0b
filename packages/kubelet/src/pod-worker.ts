import { createHash } from 'node:crypto';
import { type Container, isNotFound, type Pod, type PodPhase, type PodStatus } from '@keelson/api';
import { rfc3339, type Timer } from '@keelson/core';
import type { AdmitResult } from './admission.js';
import { containerLifecycle } from './container-lifecycle.js';
import { type ContainerRecord, generatePodStatus, newRecord, podPhase } from './pod-status.js';
import { shortenGrace, terminatePod } from './pod-termination.js';
import type { ContainerExit } from './runtime.js';
import type { PodWorkerHost } from './worker-host.js';

const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;

/**
 * One pod on this node (kubelet's pod worker + syncPod). Every change (the pod's spec, a
 * container exit, a probe result, a back-off expiry) asks for a sync; syncs run one at a time
 * and are level-based: they look at the pod and the containers' records and start what must
 * start. Long operations (pulls, starts, stops) run in the background and ask for a sync when
 * they end, so a deletion is never stuck behind a slow start.
 */
export class PodWorker {
  pod: Pod;
  readonly uid: string;
  inits: ContainerRecord[];
  regular: ContainerRecord[];
  /** undefined until admission ran. */
  admission: AdmitResult | undefined;
  sandbox: 'none' | 'creating' | 'ready' = 'none';
  /** Why the agent failed the pod (DeadlineExceeded), shown as status.reason/message. */
  failure: { reason: string; message: string } | undefined;
  podIP: string | undefined;
  startTime: number | undefined;
  /** Set once the pod reached Succeeded/Failed (pods never leave a terminal phase). */
  terminalPhase: PodPhase | undefined;
  /** Container names with a pull/start/stop in flight. */
  readonly busy = new Set<string>();
  readonly inflight = new Set<Promise<unknown>>();
  readonly abort = new AbortController();
  terminating: Promise<void> | undefined;
  /** When the containers must be gone (set while terminating). */
  terminationDeadline: number | undefined;
  /** Aborted when a shorter grace period cuts preStop hooks short. */
  readonly preStopAbort = new AbortController();
  finished = false;
  private readonly timers = new Set<Timer>();
  private syncing = false;
  private syncAgain = false;
  private statusDirty = false;
  private writer: Promise<void> | undefined;
  /** Digest of the last status written (not the JSON itself: ~1 KB per pod kept for a comparison). */
  private lastWritten = '';
  /** The pod was already finished when this agent first saw it: its status is left alone. */
  readonly adopted: boolean = false;
  readonly lifecycle: ReturnType<typeof containerLifecycle>;

  constructor(
    readonly host: PodWorkerHost,
    pod: Pod,
  ) {
    this.pod = pod;
    this.uid = pod.metadata.uid!;
    const hasInit = (pod.spec?.initContainers ?? []).length > 0;
    this.inits = (pod.spec?.initContainers ?? []).map((c) => newRecord(c, true, 'PodInitializing'));
    this.regular = (pod.spec?.containers ?? []).map((c) => newRecord(c, false, hasInit ? 'PodInitializing' : 'ContainerCreating'));
    this.lifecycle = containerLifecycle(this);
    // A pod another agent (or an earlier run) already finished stays as it is.
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.terminalPhase = phase;
      this.admission = { admit: false };
      this.adopted = true;
    }
  }

  get key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  spec(name: string, init: boolean): Container | undefined {
    return (init ? this.pod.spec?.initContainers : this.pod.spec?.containers)?.find((c) => c.name === name);
  }

  record(name: string, init: boolean): ContainerRecord | undefined {
    return (init ? this.inits : this.regular).find((r) => r.name === name);
  }

  /** The informer saw a new version of the pod. */
  update(pod: Pod): void {
    if (this.finished) return;
    const before = this.pod;
    this.pod = pod;
    if (!pod.metadata.deletionTimestamp && !this.terminalPhase) this.restartChanged(before, pod);
    if (this.sandbox === 'ready' && before.metadata.resourceVersion !== pod.metadata.resourceVersion) {
      void this.host.runtime.updatePod(pod).catch((err: unknown) => this.host.log.warn('runtime pod update failed', { pod: this.key, error: (err as Error).message }));
    }
    if (pod.metadata.deletionTimestamp && !this.terminating) this.terminating = terminatePod(this, false);
    else if (this.terminating && pod.metadata.deletionGracePeriodSeconds !== undefined) shortenGrace(this, pod.metadata.deletionGracePeriodSeconds);
    this.requestSync();
  }

  /** kubelet restarts a container whose definition changed (the image is the one field a pod update may change). */
  private restartChanged(before: Pod, after: Pod): void {
    for (const init of [false, true]) {
      const old = new Map(((init ? before.spec?.initContainers : before.spec?.containers) ?? []).map((c) => [c.name, c.image]));
      for (const c of (init ? after.spec?.initContainers : after.spec?.containers) ?? []) {
        const r = this.record(c.name, init);
        if (!r || old.get(c.name) === c.image) continue;
        r.image = c.image;
        if (r.state !== 'running') continue;
        r.specChanged = true;
        this.host.recorder?.event(after, 'Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`);
        void this.track(this.lifecycle.kill(r, (after.spec?.terminationGracePeriodSeconds ?? 30) * 1000));
      }
    }
  }

  /** The pod object is gone (force deletion): stop everything at once. */
  removed(): void {
    if (this.finished) return;
    if (!this.terminating) this.terminating = terminatePod(this, true);
    else shortenGrace(this, 0);
  }

  /** Runs `fn` after ms on the node's clock (unless the worker finished). */
  after(ms: number, fn: () => void): void {
    const t = this.host.clock.setTimer(ms, () => {
      this.timers.delete(t);
      if (!this.finished) fn();
    });
    this.timers.add(t);
  }

  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  requestSync(): void {
    if (this.finished) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    queueMicrotask(() => {
      try {
        do {
          this.syncAgain = false;
          this.sync();
        } while (this.syncAgain && !this.finished);
      } catch (err) {
        this.host.log.error('pod sync failed', { pod: this.key, error: (err as Error).message });
      } finally {
        this.syncing = false;
      }
    });
  }

  /** A container of this pod ended (runtime event or the result of a stop). */
  containerExited(exit: ContainerExit): void {
    for (const r of [...this.inits, ...this.regular]) {
      if (r.containerID !== exit.containerID || r.state !== 'running') continue;
      this.lifecycle.stopProbes(r);
      const message = exit.message ?? r.killMessage;
      delete r.killMessage;
      r.state = 'terminated';
      r.ready = false;
      r.terminated = {
        exitCode: exit.exitCode,
        reason: exit.reason ?? (exit.exitCode === 0 ? 'Completed' : 'Error'),
        ...(message ? { message } : {}),
        startedAt: rfc3339(r.startedAt ?? exit.finishedAt),
        finishedAt: rfc3339(exit.finishedAt),
        containerID: exit.containerID,
      };
    }
    this.requestSync();
  }

  private sync(): void {
    if (this.finished) return;
    // A terminating pod's status is written by the termination itself.
    if (this.terminating) return;
    if (this.terminalPhase) {
      this.markStatusDirty();
      return;
    }
    if (!this.admission) {
      this.admission = this.host.admit(this.pod);
      if (!this.admission.admit) {
        this.host.recorder?.event(this.pod, 'Warning', this.admission.reason ?? 'Rejected', this.admission.message ?? '');
        this.terminalPhase = 'Failed';
        this.markStatusDirty();
        return;
      }
      // A pod that already ran here (the agent restarted) keeps its start time.
      this.startTime = Date.parse(this.pod.status?.startTime ?? '') || this.host.clock.now();
      const deadline = this.pod.spec?.activeDeadlineSeconds;
      if (deadline !== undefined && deadline > 0) this.after(deadline * 1000, () => this.requestSync());
    }
    if (this.pastActiveDeadline()) {
      // kubelet's activeDeadlineHandler: the pod fails and its containers are stopped.
      this.failure = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
      this.host.recorder?.event(this.pod, 'Normal', 'DeadlineExceeded', this.failure.message);
      this.terminalPhase = 'Failed';
      this.host.podInactive(this);
      this.lifecycle.stopAllProbes();
      const grace = (this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      for (const r of [...this.inits, ...this.regular]) if (r.state === 'running') void this.track(this.lifecycle.kill(r, grace));
      this.markStatusDirty();
      return;
    }
    if (this.sandbox === 'none') {
      this.lifecycle.createSandbox();
      this.markStatusDirty();
      return;
    }
    if (this.sandbox === 'creating') return;
    const policy = this.pod.spec?.restartPolicy ?? 'Always';
    let initsDone = true;
    for (const r of this.inits) {
      const c = this.spec(r.name, true);
      if (!c) continue;
      if (c.restartPolicy === 'Always') {
        this.lifecycle.ensureContainer(c, r, 'Always');
        if (r.state === 'running' && r.started) continue;
        initsDone = false;
        break;
      }
      if (r.state === 'terminated' && r.terminated?.exitCode === 0) continue;
      this.lifecycle.ensureContainer(c, r, policy === 'Always' ? 'OnFailure' : policy);
      initsDone = false;
      break;
    }
    if (initsDone) {
      for (const r of this.regular) {
        const c = this.spec(r.name, false);
        if (!c) continue;
        if (r.state === 'waiting' && r.reason === 'PodInitializing' && !r.last) r.reason = 'ContainerCreating';
        this.lifecycle.ensureContainer(c, r, policy);
      }
    }
    const phase = podPhase(this.pod, this.inits, this.regular, false);
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.terminalPhase = phase;
      this.host.podInactive(this);
      this.lifecycle.stopAllProbes();
      this.track(this.lifecycle.stopSidecars());
    }
    this.markStatusDirty();
  }

  /** The status this worker would write now. */
  currentStatus(): PodStatus {
    const now = this.host.clock.now();
    if (this.admission && !this.admission.admit && this.admission.reason) {
      const scheduled = this.pod.status?.conditions?.filter((c) => c.type === 'PodScheduled') ?? [];
      return {
        phase: 'Failed',
        reason: this.admission.reason,
        message: this.admission.message,
        conditions: scheduled,
        ...(this.startTime === undefined ? { startTime: rfc3339(now) } : {}),
        ...(this.pod.status?.qosClass ? { qosClass: this.pod.status.qosClass } : {}),
      };
    }
    const phase = this.terminalPhase ?? podPhase(this.pod, this.inits, this.regular, false);
    const status = generatePodStatus({
      pod: this.pod,
      inits: this.inits,
      regular: this.regular,
      sandboxReady: this.sandbox === 'ready',
      podIP: this.podIP,
      hostIP: this.host.hostIP,
      startTime: this.startTime,
      phase,
      now,
    });
    return this.failure ? { ...status, ...this.failure } : status;
  }

  private pastActiveDeadline(): boolean {
    const deadline = this.pod.spec?.activeDeadlineSeconds;
    if (deadline === undefined || deadline <= 0 || this.startTime === undefined) return false;
    return this.host.clock.now() >= this.startTime + deadline * 1000;
  }

  markStatusDirty(): void {
    if (this.finished || this.adopted) return;
    this.statusDirty = true;
    this.writer ??= this.flushStatus().finally(() => (this.writer = undefined));
  }

  /** Resolves once every status change so far is written. */
  async statusWritten(): Promise<void> {
    while (this.writer) await this.writer;
  }

  private async flushStatus(): Promise<void> {
    await Promise.resolve();
    while (this.statusDirty && !this.finished) {
      this.statusDirty = false;
      const status = this.currentStatus();
      const digest = createHash('sha1').update(JSON.stringify(status)).digest('base64');
      if (digest === this.lastWritten) continue;
      try {
        const patch = { metadata: { uid: this.uid }, status: { ...status, ...(status.reason ? {} : { reason: null, message: null }) } };
        const written = await this.host.client.patch<Pod>(PodRef, this.pod.metadata.name!, 'merge', patch, {
          namespace: this.pod.metadata.namespace,
          subresource: 'status',
        });
        this.lastWritten = digest;
        // Until the informer delivers it; when it already has (the watch beat the response), its
        // object is the current one and stays shared with the cache rather than copied here.
        if (written.metadata.uid === this.uid && Number(written.metadata.resourceVersion) > Number(this.pod.metadata.resourceVersion)) {
          this.pod = { ...this.pod, status: written.status };
        }
      } catch (err) {
        if (isNotFound(err)) return;
        this.host.log.warn('pod status update failed', { pod: this.key, error: (err as Error).message });
        this.after(1000, () => this.markStatusDirty());
        return;
      }
    }
  }

  /** Ends the worker: timers, probes, and the runtime's resources. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) t.stop();
    this.timers.clear();
    this.lifecycle.stopAllProbes();
    this.host.workerFinished(this);
  }
}
