import { isConflict, isNotFound } from '@keelson/api';
import { rfc3339 } from '@keelson/core';
import { minimumGracePeriodMs } from './container-lifecycle.js';
import { type ContainerRecord, podPhase } from './pod-status.js';
import type { PodWorker } from './pod-worker.js';

const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;
const intermediateStatusDelayMs = 500;

/**
 * kubelet's pod termination: in-flight starts are cancelled, probes stop, each running container
 * runs its preStop hook and is then stopped (SIGTERM, SIGKILL when the grace period is over; at
 * least 2 s are left after a preStop hook), the final status is written (a terminal phase), the
 * sandbox and pod IP are released, and the pod object is deleted with grace 0 and a uid
 * precondition. `gone`: the object was already removed (forced deletion) — containers are killed
 * at once and nothing is written.
 */
export async function terminatePod(w: PodWorker, gone: boolean): Promise<void> {
  const host = w.host;
  const pod = () => w.pod;
  w.abort.abort();
  w.lifecycle.stopAllProbes();
  if (w.adopted) {
    if (!gone) await deleteObject(w);
    w.finish();
    return;
  }
  const graceSeconds = gone ? 0 : (pod().metadata.deletionGracePeriodSeconds ?? pod().spec?.terminationGracePeriodSeconds ?? 30);
  w.terminationDeadline = host.clock.now() + graceSeconds * 1000;
  // Let cancelled starts settle so the records say what runs.
  await Promise.allSettled([...w.inflight]);
  const running = [...w.regular, ...w.inits].filter((r) => r.state === 'running');
  for (const r of [...w.regular, ...w.inits]) r.ready = false;
  // The not-ready status is written if stopping takes a while; a quick stop writes only the final one.
  if (!gone) w.after(intermediateStatusDelayMs, () => w.markStatusDirty());
  await Promise.all(running.map((r) => stopOne(w, r, gone)));
  // Containers that never ran are reported as ended with the pod.
  const now = host.clock.now();
  for (const r of [...w.regular, ...w.inits]) {
    if (r.state !== 'waiting' || r.containerID || r.last) continue;
    r.state = 'terminated';
    r.terminated = { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', finishedAt: rfc3339(now) };
  }
  for (const r of [...w.regular, ...w.inits]) {
    // A container waiting to restart is over as well: its last instance is its final state.
    if (r.state === 'waiting' && r.last) {
      r.state = 'terminated';
      r.terminated = r.last;
    }
  }
  if (!w.terminalPhase && w.admission?.admit) {
    const phase = podPhase(pod(), w.inits, w.regular, true);
    w.terminalPhase = phase === 'Succeeded' ? 'Succeeded' : 'Failed';
  } else if (!w.terminalPhase) {
    w.terminalPhase = 'Failed';
  }
  try {
    await host.runtime.deletePod(pod());
  } catch (err) {
    host.log.warn('removing the pod sandbox failed', { pod: w.key, error: (err as Error).message });
  }
  host.releaseIP(pod());
  host.images.forget(w.uid);
  host.restartBackoff.resetPrefix(`${w.uid}/`);
  if (!gone) {
    w.markStatusDirty();
    await w.statusWritten();
    await deleteObject(w);
  }
  w.finish();
}

/**
 * A shorter grace period asked for while the pod terminates (a second delete, a forced one): the
 * deadline moves closer, preStop hooks are cut short and running containers get the new period.
 */
export function shortenGrace(w: PodWorker, graceSeconds: number): void {
  const deadline = w.host.clock.now() + graceSeconds * 1000;
  if (w.terminationDeadline === undefined || deadline >= w.terminationDeadline) return;
  w.terminationDeadline = deadline;
  w.preStopAbort.abort();
  for (const r of [...w.regular, ...w.inits]) {
    if (r.state === 'running') void w.host.runtime.stopContainer(w.pod, r.name, graceSeconds * 1000).catch(() => undefined);
  }
}

async function stopOne(w: PodWorker, r: ContainerRecord, gone: boolean): Promise<void> {
  const host = w.host;
  const deadline = () => w.terminationDeadline ?? host.clock.now();
  const c = w.spec(r.name, r.init);
  if (!gone) host.recorder?.event(w.pod, 'Normal', 'Killing', `Stopping container ${r.name}`);
  const preStop = c?.lifecycle?.preStop;
  let hookRan = false;
  if (preStop && c && !gone && deadline() > host.clock.now() && !w.preStopAbort.signal.aborted) {
    hookRan = true;
    const ac = new AbortController();
    const timer = host.clock.setTimer(deadline() - host.clock.now(), () => ac.abort());
    w.preStopAbort.signal.addEventListener('abort', () => ac.abort(), { once: true });
    try {
      const res = await host.runtime.runHook(w.pod, c, 'preStop', preStop, ac.signal);
      if (!res.ok && !ac.signal.aborted) {
        host.recorder?.event(w.pod, 'Warning', 'FailedPreStopHook', `PreStopHook failed${res.message ? `: ${res.message}` : ''}`);
      }
    } catch {
      // Cut short by the grace period: the container is killed below.
    } finally {
      timer.stop();
    }
  }
  let graceMs = Math.max(0, deadline() - host.clock.now());
  if (hookRan && !gone && !w.preStopAbort.signal.aborted) graceMs = Math.max(graceMs, minimumGracePeriodMs);
  if (r.state !== 'running') return;
  const containerID = r.containerID!;
  try {
    const exit = await host.runtime.stopContainer(w.pod, r.name, gone ? 0 : graceMs);
    if (exit) w.containerExited({ ...exit, containerID });
  } catch (err) {
    host.log.warn('stopping a container failed', { pod: w.key, container: r.name, error: (err as Error).message });
  }
}

/** The last step of a graceful deletion: the agent removes the object (grace 0, this uid only). */
async function deleteObject(w: PodWorker): Promise<void> {
  const p = w.pod;
  try {
    await w.host.client.delete(PodRef, p.metadata.name!, { namespace: p.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: w.uid } });
  } catch (err) {
    if (isNotFound(err) || isConflict(err)) return;
    w.host.log.warn('deleting a terminated pod failed', { pod: w.key, error: (err as Error).message });
  }
}
