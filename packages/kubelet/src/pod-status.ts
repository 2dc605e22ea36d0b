import type { Container, ContainerStateTerminated, ContainerStatus, Pod, PodCondition, PodPhase, PodStatus } from '@keelson/api';
import { rfc3339 } from '@keelson/core';

/** What the agent knows of one container of a pod (its current instance and the last one). */
export interface ContainerRecord {
  name: string;
  init: boolean;
  state: 'waiting' | 'running' | 'terminated';
  /** Waiting reason: ContainerCreating, PodInitializing, CrashLoopBackOff, ErrImagePull, ... */
  reason?: string;
  message?: string;
  containerID?: string;
  imageID?: string;
  /** The image the current (or last) instance runs. */
  image?: string;
  startedAt?: number;
  /** Set when terminated. */
  terminated?: ContainerStateTerminated;
  /** The previous instance's end (lastState). */
  last?: ContainerStateTerminated;
  restartCount: number;
  /** Startup probe passed (or none). */
  started: boolean;
  ready: boolean;
  /** Stopped because its definition changed: started again at once, whatever the restart policy. */
  specChanged?: boolean;
  /** After a failed pull/create: not retried before this time (ms). */
  retryAt?: number;
  /** Why the agent is stopping this instance (becomes terminated.message). */
  killMessage?: string;
}

export function newRecord(c: Container, init: boolean, waitingReason: string): ContainerRecord {
  return { name: c.name, init, state: 'waiting', reason: waitingReason, image: c.image, restartCount: 0, started: false, ready: false };
}

function apiState(r: ContainerRecord): ContainerStatus['state'] {
  if (r.state === 'running') return { running: { startedAt: rfc3339(r.startedAt ?? 0) } };
  if (r.state === 'terminated' && r.terminated) return { terminated: r.terminated };
  return { waiting: { reason: r.reason ?? 'ContainerCreating', ...(r.message ? { message: r.message } : {}) } };
}

export function containerStatus(r: ContainerRecord, c: Container | undefined): ContainerStatus {
  return {
    name: r.name,
    state: apiState(r),
    lastState: r.last ? { terminated: r.last } : {},
    ready: r.ready,
    restartCount: r.restartCount,
    image: r.image ?? c?.image ?? '',
    imageID: r.imageID ?? '',
    ...(r.containerID ? { containerID: r.containerID } : {}),
    started: r.state === 'running' && r.started,
  };
}

const isSidecar = (c: Container | undefined) => c?.restartPolicy === 'Always';

/** kubelet's getPhase, for a pod whose init containers are `inits` and containers `regular`. */
export function podPhase(pod: Pod, inits: ContainerRecord[], regular: ContainerRecord[], podIsTerminal: boolean): PodPhase {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  const initSpecs = new Map((pod.spec?.initContainers ?? []).map((c) => [c.name, c]));
  let pendingInit = 0;
  let failedInit = 0;
  for (const r of inits) {
    if (isSidecar(initSpecs.get(r.name))) {
      if (r.state !== 'running' || !r.started) pendingInit++;
      continue;
    }
    if (r.state === 'running') pendingInit++;
    else if (r.state === 'terminated') {
      if (r.terminated?.exitCode !== 0) failedInit++;
    } else if (r.last) {
      if (r.last.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const r of regular) {
    if (r.state === 'running') running++;
    else if (r.state === 'terminated') {
      stopped++;
      if (r.terminated?.exitCode === 0) succeeded++;
    } else if (r.last) stopped++;
    else waiting++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(type: string, ok: boolean, now: string, prev: PodCondition[] | undefined, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now,
    ...(ok ? {} : { reason, message }),
  } as PodCondition;
}

export interface StatusInputs {
  pod: Pod;
  inits: ContainerRecord[];
  regular: ContainerRecord[];
  sandboxReady: boolean;
  podIP?: string;
  hostIP?: string;
  startTime?: number;
  phase: PodPhase;
  now: number;
}

/** The pod status the agent writes (kubelet's generateAPIPodStatus), conditions in kubelet's order. */
export function generatePodStatus(s: StatusInputs): PodStatus {
  const { pod } = s;
  const now = rfc3339(s.now);
  const prev = pod.status?.conditions;
  const initSpecs = new Map((pod.spec?.initContainers ?? []).map((c) => [c.name, c]));
  const specs = new Map((pod.spec?.containers ?? []).map((c) => [c.name, c]));
  const done = s.phase === 'Succeeded' || s.phase === 'Failed';
  const incompleteInit = s.inits
    .filter((r) => {
      if (isSidecar(initSpecs.get(r.name))) return !(r.state === 'running' && r.started);
      return !(r.state === 'terminated' && r.terminated?.exitCode === 0);
    })
    .map((r) => r.name);
  const initialized = incompleteInit.length === 0 || (done && s.phase === 'Succeeded');
  const unready = [...s.inits.filter((r) => isSidecar(initSpecs.get(r.name)) && !r.ready), ...s.regular.filter((r) => !r.ready)].map((r) => r.name);
  const containersReady = unready.length === 0 && s.regular.length > 0;
  const readinessGates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const gatesMissing = readinessGates.filter((t) => prev?.find((c) => c.type === t)?.status !== 'True');
  let readyReason: string | undefined;
  let readyMessage: string | undefined;
  let containersReadyReason: string | undefined;
  let containersReadyMessage: string | undefined;
  if (s.phase === 'Succeeded') {
    containersReadyReason = readyReason = 'PodCompleted';
  } else if (!containersReady) {
    containersReadyReason = readyReason = 'ContainersNotReady';
    containersReadyMessage = readyMessage = `containers with unready status: [${unready.join(' ')}]`;
  } else if (gatesMissing.length) {
    readyReason = 'ReadinessGatesNotReady';
    readyMessage = `corresponding condition of pod readiness gate "${gatesMissing[0]}" does not exist.`;
  }
  const podReady = containersReady && gatesMissing.length === 0 && !done;
  const conditions: PodCondition[] = [
    condition('PodReadyToStartContainers', s.sandboxReady && !done, now, prev),
    condition(
      'Initialized',
      initialized,
      now,
      prev,
      s.phase === 'Succeeded' ? 'PodCompleted' : 'ContainersNotInitialized',
      s.phase === 'Succeeded' ? undefined : `containers with incomplete status: [${incompleteInit.join(' ')}]`,
    ),
    condition('Ready', podReady, now, prev, readyReason, readyMessage),
    condition('ContainersReady', containersReady && !done, now, prev, containersReadyReason, containersReadyMessage),
  ];
  for (const c of prev ?? []) if (!conditions.some((x) => x.type === c.type)) conditions.push(c);
  for (const c of conditions) if (!c.reason) delete c.reason;
  for (const c of conditions) if (!c.message) delete c.message;
  const status: PodStatus = {
    phase: s.phase,
    conditions,
    ...(s.hostIP ? { hostIP: s.hostIP, hostIPs: [{ ip: s.hostIP }] } : {}),
    ...(s.podIP ? { podIP: s.podIP, podIPs: [{ ip: s.podIP }] } : {}),
    ...(s.startTime !== undefined ? { startTime: rfc3339(s.startTime) } : {}),
    ...(s.inits.length ? { initContainerStatuses: s.inits.map((r) => containerStatus(r, initSpecs.get(r.name))) } : {}),
    containerStatuses: s.regular.map((r) => containerStatus(r, specs.get(r.name))),
    qosClass: pod.status?.qosClass,
  };
  if (!status.qosClass) delete status.qosClass;
  return status;
}
