import { createHash } from 'node:crypto';
import { type Container, type LifecycleHandler, type Pod, type Probe, tryParseQuantity } from '@keelson/api';
import type { Clock, Timer } from '@keelson/core';
import {
  type ContainerExit,
  type ContainerLogRead,
  type ContainerStartResult,
  type ExecResult,
  type HandlerResult,
  type ImageInfo,
  ImagePullError,
  parseImage,
  type PodStats,
  type ProbeKind,
  type Runtime,
  type RuntimeCapabilities,
  type RuntimeContext,
  type RuntimeEvent,
} from '@keelson/kubelet';
import { parseDuration, parseHook, parseScript, perAttempt, scriptAt } from './script.js';
import { type SimProfile, resolveProfile } from './profile.js';
import { SimLog } from './sim-log.js';

/** Prefix of every annotation the simulated runtime reads. */
export const SimAnnotationPrefix = 'sim.keelson.dev/';

interface SimContainer {
  id: string;
  name: string;
  startedAt: number;
  attempt: number;
  exitTimer?: Timer;
  running: boolean;
  log: SimLog;
  /** A stop in progress: when the container will be gone, and who waits for it. */
  stopping?: { at: number; code: number; waiters: ((exit: ContainerExit | undefined) => void)[] };
}

interface SimPod {
  pod: Pod;
  ip: string | undefined;
  containers: Map<string, SimContainer>;
  /** Logs of the previous instance of each container. */
  previousLogs: Map<string, SimLog>;
}

function hex(text: string, len = 64): string {
  return createHash('sha256').update(text).digest('hex').slice(0, len);
}

function abortable(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return ms <= 0 && !signal?.aborted ? Promise.resolve() : clock.sleep(ms, signal);
}

/**
 * Containers that "run" without processes (kwok-like). Every behaviour comes from the pod's
 * annotations (`sim.keelson.dev/<what>`, or `sim.keelson.dev/<what>.<container>` for one
 * container) or from the profile: see docs/runtime-sim.md. All time is the node's Clock.
 */
export class SimRuntime implements Runtime {
  readonly name = 'keelson-sim';
  readonly version = '0.1.0';
  readonly capabilities: RuntimeCapabilities = { logs: true, exec: true, stats: true };
  private readonly clock: Clock;
  private readonly profile: SimProfile;
  private readonly images = new Map<string, ImageInfo>();
  private readonly pods = new Map<string, SimPod>();
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  private seq = 0;

  constructor(ctx: Pick<RuntimeContext, 'clock' | 'options' | 'nodeName'>) {
    this.clock = ctx.clock;
    this.profile = resolveProfile(ctx.options);
    for (const img of this.profile.presentImages) this.addImage(img);
  }

  /** The annotation for one container, falling back to the pod-wide one, then the profile's. */
  private setting(pod: Pod, what: string, container?: string): string | undefined {
    const a = pod.metadata.annotations ?? {};
    return (container !== undefined ? a[`${SimAnnotationPrefix}${what}.${container}`] : undefined) ?? a[`${SimAnnotationPrefix}${what}`] ?? this.profile.annotations[what];
  }

  private durationSetting(pod: Pod, what: string, container: string | undefined, fallback: number): number {
    const v = this.setting(pod, what, container);
    return parseDuration(v) ?? fallback;
  }

  private addImage(image: string): ImageInfo {
    const ref = parseImage(image);
    const names = ref ? [`${ref.repository}@sha256:${hex(ref.full)}`, ref.full] : [image];
    const sizeBytes = 5_000_000 + (parseInt(hex(image, 8), 16) % 200_000_000);
    const info = { names, sizeBytes };
    this.images.set(ref?.full ?? image, info);
    return info;
  }

  listImages(): ImageInfo[] {
    return [...this.images.values()];
  }

  hasImage(image: string): boolean {
    const ref = parseImage(image);
    return this.images.has(ref?.full ?? image);
  }

  async pullImage(pod: Pod, container: Container, signal?: AbortSignal): Promise<ImageInfo> {
    const image = container.image ?? '';
    await abortable(this.clock, this.durationSetting(pod, 'pull-delay', container.name, this.profile.pullDelayMs), signal);
    const ref = parseImage(image);
    const failing = this.setting(pod, 'image-pull', container.name) === 'fail' || this.profile.failImages.some((f) => f === image || f === ref?.full);
    if (failing) {
      throw new ImagePullError(`rpc error: code = NotFound desc = failed to pull and unpack image "${ref?.full ?? image}": failed to resolve reference "${ref?.full ?? image}": not found`);
    }
    return this.addImage(image);
  }

  async createPod(pod: Pod, podIP: string | undefined): Promise<void> {
    if (!this.pods.has(pod.metadata.uid!)) this.pods.set(pod.metadata.uid!, { pod, ip: podIP, containers: new Map(), previousLogs: new Map() });
  }

  async updatePod(pod: Pod): Promise<void> {
    const p = this.pods.get(pod.metadata.uid!);
    if (p) p.pod = pod;
  }

  async deletePod(pod: Pod): Promise<void> {
    const p = this.pods.get(pod.metadata.uid!);
    if (!p) return;
    for (const c of p.containers.values()) {
      c.exitTimer?.stop();
      // Whoever waits for a stop learns the container is gone.
      if (c.running) this.exit(p, c, 137);
    }
    this.pods.delete(pod.metadata.uid!);
  }

  private emit(exit: ContainerExit): void {
    for (const l of this.listeners) l({ type: 'ContainerExited', exit });
  }

  private exit(p: SimPod, c: SimContainer, exitCode: number, reason?: string): ContainerExit | undefined {
    if (!c.running) return undefined;
    c.running = false;
    c.exitTimer?.stop();
    const finishedAt = this.clock.now();
    c.log.append(`[sim] container ${c.name} exited with code ${exitCode}`);
    c.log.close();
    const exit: ContainerExit = { podUID: p.pod.metadata.uid!, containerName: c.name, containerID: `${this.name}://${c.id}`, exitCode, finishedAt, ...(reason ? { reason } : {}) };
    this.emit(exit);
    const waiters = c.stopping?.waiters ?? [];
    delete c.stopping;
    for (const w of waiters) w(exit);
    return exit;
  }

  async startContainer(pod: Pod, container: Container, attempt: number, signal?: AbortSignal): Promise<ContainerStartResult> {
    const uid = pod.metadata.uid!;
    await abortable(this.clock, this.durationSetting(pod, 'start-delay', container.name, this.profile.startDelayMs), signal);
    const p = this.pods.get(uid);
    if (!p) throw new Error(`pod sandbox ${uid} not found`);
    p.pod = pod;
    const prev = p.containers.get(container.name);
    if (prev) {
      prev.exitTimer?.stop();
      p.previousLogs.set(container.name, prev.log);
    }
    const id = hex(`${uid}/${container.name}/${attempt}/${++this.seq}`);
    const c: SimContainer = { id, name: container.name, startedAt: this.clock.now(), attempt, running: true, log: new SimLog(this.clock) };
    p.containers.set(container.name, c);
    const extra = this.setting(pod, 'logs', container.name);
    c.log.append(`[sim] container ${container.name} started (image ${container.image}, attempt ${attempt})`, ...(extra ? extra.split('\\n') : []));
    const exitPlan = this.exitPlan(pod, container.name, attempt);
    if (exitPlan) c.exitTimer = this.clock.setTimer(exitPlan.afterMs, () => this.exit(p, c, exitPlan.code));
    const ref = parseImage(container.image ?? '');
    return { containerID: `${this.name}://${id}`, imageID: ref ? `${ref.repository}@sha256:${hex(ref.full)}` : (container.image ?? '') };
  }

  /** When and how a container instance ends on its own (undefined: it runs until stopped). */
  private exitPlan(pod: Pod, name: string, attempt: number): { afterMs: number; code: number } | undefined {
    const crash = this.setting(pod, 'crash-loop', name);
    if (crash !== undefined && crash !== 'false') {
      return { afterMs: crash === 'true' || crash === '' ? 1000 : (parseDuration(crash) ?? 1000), code: 1 };
    }
    const after = this.setting(pod, 'exit-after', name);
    const code = this.setting(pod, 'exit-code', name);
    if (after === undefined && code === undefined) return undefined;
    const afterMs = after === undefined ? 0 : parseDuration(perAttempt(after, attempt));
    const exitCode = code === undefined ? 0 : Number(perAttempt(code, attempt));
    if (afterMs === undefined || !Number.isInteger(exitCode)) return undefined;
    return { afterMs, code: exitCode };
  }

  async stopContainer(pod: Pod, containerName: string, gracePeriodMs: number): Promise<ContainerExit | undefined> {
    const p = this.pods.get(pod.metadata.uid!);
    const c = p?.containers.get(containerName);
    if (!p || !c?.running) return undefined;
    const now = this.clock.now();
    const stopDelay = this.durationSetting(pod, 'stop-delay', containerName, this.profile.stopDelayMs);
    const graceful = stopDelay <= gracePeriodMs;
    const at = now + (graceful ? stopDelay : gracePeriodMs);
    const code = graceful ? Number(this.setting(pod, 'stop-exit-code', containerName) ?? 0) : 137;
    const wait = new Promise<ContainerExit | undefined>((resolve) => {
      if (c.stopping) c.stopping.waiters.push(resolve);
      else c.stopping = { at: Infinity, code, waiters: [resolve] };
    });
    // A second stop (a shorter grace period, a forced deletion) can only bring the end closer.
    if (at < c.stopping!.at) {
      c.log.append(graceful ? `[sim] container ${containerName} got SIGTERM` : `[sim] container ${containerName} got SIGTERM, SIGKILL after ${gracePeriodMs} ms`);
      c.stopping!.at = at;
      c.stopping!.code = Number.isInteger(code) ? code : 0;
      c.exitTimer?.stop();
      if (at <= now) this.exit(p, c, c.stopping!.code);
      else c.exitTimer = this.clock.setTimer(at - now, () => this.exit(p, c, c.stopping!.code));
    }
    return wait;
  }

  private failureMessage(probe: Probe | LifecycleHandler, ip: string | undefined, timedOut: boolean): string {
    if (probe.httpGet) {
      const url = `${probe.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}://${probe.httpGet.host ?? ip ?? ''}:${probe.httpGet.port}${probe.httpGet.path ?? '/'}`;
      return timedOut ? `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` : 'HTTP probe failed with statuscode: 500';
    }
    if (probe.tcpSocket) return timedOut ? `dial tcp ${ip}:${probe.tcpSocket.port}: i/o timeout` : `dial tcp ${ip}:${probe.tcpSocket.port}: connect: connection refused`;
    if ('grpc' in probe && probe.grpc) return timedOut ? 'timeout: health rpc did not complete within 1s' : 'service unhealthy (responded with "NOT_SERVING")';
    return timedOut ? 'command timed out' : 'command failed: exit status 1';
  }

  async probe(pod: Pod, container: Container, kind: ProbeKind, probe: Probe, timeoutMs: number): Promise<HandlerResult> {
    const p = this.pods.get(pod.metadata.uid!);
    const c = p?.containers.get(container.name);
    if (!c?.running) return { ok: false, message: 'container is not running' };
    const script = this.setting(pod, kind, container.name);
    const result = script === undefined ? 'ok' : scriptAt(parseScript(script), this.clock.now() - c.startedAt);
    if (result === 'ok') return { ok: true };
    if (result === 'timeout') {
      await this.clock.sleep(timeoutMs);
      return { ok: false, timedOut: true, message: this.failureMessage(probe, p?.ip, true) };
    }
    return { ok: false, message: this.failureMessage(probe, p?.ip, false) };
  }

  async runHook(pod: Pod, container: Container, hook: 'postStart' | 'preStop', handler: LifecycleHandler, signal?: AbortSignal): Promise<HandlerResult> {
    const p = this.pods.get(pod.metadata.uid!);
    const spec = this.setting(pod, hook === 'postStart' ? 'post-start' : 'pre-stop', container.name);
    const { ok, durationMs } = spec === undefined ? { ok: true, durationMs: handler.sleep ? handler.sleep.seconds * 1000 : 0 } : parseHook(spec);
    await abortable(this.clock, durationMs, signal);
    p?.containers.get(container.name)?.log.append(`[sim] ${hook} hook ${ok ? 'succeeded' : 'failed'}`);
    return ok ? { ok } : { ok, message: this.failureMessage(handler, p?.ip, false) };
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async logs(pod: Pod, containerName: string, opts: { tailLines?: number; previous?: boolean } = {}): Promise<string> {
    const p = this.pods.get(pod.metadata.uid!);
    const lines = ((opts.previous ? p?.previousLogs.get(containerName) : p?.containers.get(containerName)?.log)?.entries ?? []).map((e) => e.line);
    const tail = opts.tailLines !== undefined ? lines.slice(-opts.tailLines) : lines;
    return tail.map((l) => `${l}\n`).join('');
  }

  readLog(pod: Pod, containerName: string, opts: { previous?: boolean; follow?: boolean; signal?: AbortSignal }): ContainerLogRead | undefined {
    const p = this.pods.get(pod.metadata.uid!);
    const log = opts.previous ? p?.previousLogs.get(containerName) : p?.containers.get(containerName)?.log;
    return log?.read(!!opts.follow && !opts.previous, opts.signal);
  }

  async exec(pod: Pod, containerName: string, command: string[]): Promise<ExecResult> {
    const c = this.pods.get(pod.metadata.uid!)?.containers.get(containerName);
    if (!c?.running) return { exitCode: 126, stdout: '', stderr: `container ${containerName} is not running\n` };
    if (command[0] === 'echo') return { exitCode: 0, stdout: `${command.slice(1).join(' ')}\n`, stderr: '' };
    if (command[0] === 'true') return { exitCode: 0, stdout: '', stderr: '' };
    if (command[0] === 'false') return { exitCode: 1, stdout: '', stderr: '' };
    if (command[0] === 'hostname') return { exitCode: 0, stdout: `${pod.metadata.name}\n`, stderr: '' };
    return { exitCode: 127, stdout: '', stderr: `sim: ${command[0] ?? ''}: command not found\n` };
  }

  stats(pod: Pod): PodStats | undefined {
    const p = this.pods.get(pod.metadata.uid!);
    if (!p) return undefined;
    const containers = [...p.containers.values()]
      .filter((c) => c.running)
      .map((c) => {
        const cpu = tryParseQuantity(this.setting(pod, 'cpu-usage', c.name) ?? this.profile.cpuUsage);
        const mem = tryParseQuantity(this.setting(pod, 'memory-usage', c.name) ?? this.profile.memoryUsage);
        return { name: c.name, cpuMilli: cpu?.milliValue() ?? 0, memoryBytes: mem?.value() ?? 0 };
      });
    return { podUID: pod.metadata.uid!, containers };
  }

  close(): void {
    for (const p of this.pods.values()) {
      for (const c of p.containers.values()) {
        c.exitTimer?.stop();
        c.log.close();
      }
    }
    this.pods.clear();
    this.listeners.clear();
  }
}
