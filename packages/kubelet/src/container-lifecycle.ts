import type { Container } from '@keelson/api';
import type { ContainerRecord } from './pod-status.js';
import type { PodWorker } from './pod-worker.js';
import { ProbeWorker, type ProbeResult } from './probe-worker.js';
import type { HandlerResult, ProbeKind } from './runtime.js';

/** kubelet's minimum grace period left for a container after its preStop hook. */
export const minimumGracePeriodMs = 2000;

type Policy = 'Always' | 'OnFailure' | 'Never';

function backoffText(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : '0s'}` : `${s}s`;
}

/**
 * The container side of a pod worker: sandbox, image pull, start (with postStart), probes,
 * restarts with back-off, kills. Methods start background operations and report back through
 * the worker (requestSync / containerExited).
 */
export function containerLifecycle(w: PodWorker) {
  const host = w.host;
  const probes = new Map<ContainerRecord, ProbeWorker[]>();

  const restartKey = (r: ContainerRecord) => `${w.uid}/${r.init ? 'init/' : ''}${r.name}`;

  function shouldRestart(r: ContainerRecord, policy: Policy): boolean {
    const exit = r.state === 'terminated' ? r.terminated : r.last;
    if (!exit) return true;
    return policy === 'Always' || (policy === 'OnFailure' && exit.exitCode !== 0);
  }

  function stopProbes(r: ContainerRecord): void {
    for (const p of probes.get(r) ?? []) p.stop();
    probes.delete(r);
  }

  function onProbeResult(c: Container, r: ContainerRecord, containerID: string, kind: ProbeKind, result: ProbeResult, detail: HandlerResult | undefined): void {
    if (r.containerID !== containerID || r.state !== 'running' || w.terminating) return;
    if (kind === 'readiness') {
      r.ready = result === 'Success' && r.started;
    } else if (kind === 'startup' && result === 'Success') {
      r.started = true;
      r.ready = !c.readinessProbe;
    } else if (result === 'Failure') {
      const what = kind === 'liveness' ? 'liveness' : 'startup';
      host.recorder?.event(w.pod, 'Normal', 'Killing', `Container ${c.name} failed ${what} probe, will be restarted`);
      const grace = (c[kind === 'liveness' ? 'livenessProbe' : 'startupProbe']?.terminationGracePeriodSeconds ?? w.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      r.ready = false;
      void kill(r, grace);
    }
    w.requestSync();
  }

  function startProbes(c: Container, r: ContainerRecord): void {
    const list: ProbeWorker[] = [];
    const containerID = r.containerID!;
    const add = (kind: ProbeKind, probe: Container['livenessProbe']) => {
      if (!probe) return;
      const pw = new ProbeWorker({
        clock: host.clock,
        runtime: host.runtime,
        kind,
        pod: () => w.pod,
        container: c,
        probe,
        startedAt: r.startedAt!,
        started: () => r.started,
        onResult: (k, result, detail) => onProbeResult(c, r, containerID, k, result, detail),
        onFailure: (k, detail) =>
          host.recorder?.event(w.pod, 'Warning', 'Unhealthy', `${k[0]!.toUpperCase()}${k.slice(1)} probe failed: ${detail.message ?? ''}`.trim()),
      });
      list.push(pw);
    };
    add('startup', c.startupProbe);
    add('liveness', c.livenessProbe);
    add('readiness', c.readinessProbe);
    probes.set(r, list);
    for (const p of list) p.start();
  }

  /** Stops a running container (SIGTERM, SIGKILL after graceMs) and records how it ended. */
  async function kill(r: ContainerRecord, graceMs: number, message?: string): Promise<void> {
    if (r.state !== 'running' || w.busy.has(r.name)) return;
    w.busy.add(r.name);
    stopProbes(r);
    const containerID = r.containerID!;
    if (message) r.killMessage = message;
    try {
      const exit = await w.track(host.runtime.stopContainer(w.pod, r.name, graceMs));
      if (exit) w.containerExited({ ...exit, containerID });
    } catch (err) {
      host.log.warn('stopping a container failed', { pod: w.key, container: r.name, error: (err as Error).message });
    } finally {
      w.busy.delete(r.name);
      w.requestSync();
    }
  }

  function retryLater(r: ContainerRecord, ms: number): void {
    r.retryAt = host.clock.now() + Math.max(1, ms);
    w.after(Math.max(1, ms), () => w.requestSync());
  }

  async function start(c: Container, r: ContainerRecord): Promise<void> {
    delete r.retryAt;
    w.busy.add(r.name);
    const signal = w.abort.signal;
    try {
      const pulled = await host.images.ensureImage(w.pod, c, signal);
      if (!pulled.ok) {
        r.state = 'waiting';
        r.reason = pulled.reason;
        r.message = pulled.message;
        // ErrImagePull shows until the next sync, then ImagePullBackOff until the back-off lets the
        // next pull through; names that cannot work are looked at again on the periodic resync.
        const wait = pulled.reason === 'ErrImagePull' ? Math.min(1000, pulled.retryInMs ?? 1000) : (pulled.retryInMs ?? host.restartBackoff.initialMs);
        retryLater(r, wait);
        return;
      }
      r.state = 'waiting';
      r.reason = 'ContainerCreating';
      delete r.message;
      const attempt = r.restartCount + (r.last || r.containerID ? 1 : 0);
      const started = await host.runtime.startContainer(w.pod, c, attempt, signal);
      host.recorder?.event(w.pod, 'Normal', 'Created', `Created container ${c.name}`);
      host.recorder?.event(w.pod, 'Normal', 'Started', `Started container ${c.name}`);
      if (r.last || r.containerID) r.restartCount++;
      r.containerID = started.containerID;
      r.imageID = started.imageID;
      r.image = c.image;
      r.startedAt = host.clock.now();
      delete r.terminated;
      if (c.lifecycle?.postStart) {
        const res = await host.runtime.runHook(w.pod, c, 'postStart', c.lifecycle.postStart, signal);
        if (!res.ok) {
          const msg = `PostStartHook failed${res.message ? `: ${res.message}` : ''}`;
          host.recorder?.event(w.pod, 'Warning', 'FailedPostStartHook', msg);
          r.state = 'running';
          w.busy.delete(r.name);
          await kill(r, (w.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000, msg);
          return;
        }
      }
      r.state = 'running';
      r.started = !c.startupProbe;
      r.ready = r.started && !c.readinessProbe;
      startProbes(c, r);
    } catch (err) {
      if (signal.aborted) return;
      r.state = 'waiting';
      r.reason = 'CreateContainerError';
      r.message = (err as Error).message;
      host.log.warn('starting a container failed', { pod: w.key, container: c.name, error: r.message });
      retryLater(r, host.restartBackoff.initialMs);
    } finally {
      w.busy.delete(r.name);
      w.requestSync();
    }
  }

  return {
    stopProbes,

    stopAllProbes(): void {
      for (const r of [...probes.keys()]) stopProbes(r);
    },

    createSandbox(): void {
      w.sandbox = 'creating';
      w.podIP = w.pod.spec?.hostNetwork ? host.hostIP : host.allocateIP(w.pod);
      void w
        .track(host.runtime.createPod(w.pod, w.podIP))
        .then(() => {
          w.sandbox = 'ready';
        })
        .catch((err: unknown) => {
          w.sandbox = 'none';
          host.recorder?.event(w.pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${(err as Error).message}`);
          w.after(host.restartBackoff.initialMs, () => w.requestSync());
        })
        .finally(() => w.requestSync());
    },

    /** Starts the container if it must run now (first start, restart after back-off, pull retry). */
    ensureContainer(c: Container, r: ContainerRecord, policy: Policy): void {
      if (w.busy.has(r.name) || r.state === 'running') return;
      if (r.retryAt !== undefined && host.clock.now() < r.retryAt) return;
      if (r.specChanged && r.state === 'terminated') {
        delete r.specChanged;
        r.last = r.terminated;
        delete r.terminated;
        void w.track(start(c, r));
        return;
      }
      if (!shouldRestart(r, policy)) return;
      const exit = r.state === 'terminated' ? r.terminated : r.last;
      if (exit) {
        const key = restartKey(r);
        const finishedAt = Date.parse(exit.finishedAt ?? '') || host.clock.now();
        if (host.restartBackoff.isInBackOffSince(key, finishedAt)) {
          if (r.state === 'terminated') {
            r.last = r.terminated;
            delete r.terminated;
          }
          const delay = host.restartBackoff.get(key);
          const msg = `back-off ${backoffText(delay)} restarting failed container=${c.name} pod=${w.pod.metadata.name}_${w.pod.metadata.namespace}(${w.uid})`;
          if (r.state !== 'waiting' || r.reason !== 'CrashLoopBackOff') {
            host.recorder?.event(w.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${w.pod.metadata.name}_${w.pod.metadata.namespace}(${w.uid})`);
          }
          r.state = 'waiting';
          r.reason = 'CrashLoopBackOff';
          r.message = msg;
          r.ready = false;
          w.after(host.restartBackoff.remaining(key, finishedAt), () => w.requestSync());
          return;
        }
        if (r.state === 'terminated') {
          host.restartBackoff.next(key, finishedAt);
          r.last = r.terminated;
          delete r.terminated;
        } else if (r.reason === 'CrashLoopBackOff') {
          host.restartBackoff.next(key, finishedAt);
        }
      }
      void w.track(start(c, r));
    },

    kill,

    /** Sidecars (restartable init containers) stop once the regular containers are done. */
    async stopSidecars(): Promise<void> {
      const grace = (w.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      await Promise.all(w.inits.filter((r) => r.state === 'running').map((r) => kill(r, grace)));
    },
  };
}
