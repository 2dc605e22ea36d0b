import type { Container, LifecycleHandler, Pod, Probe } from '@keelson/api';
import type { Clock, Logger } from '@keelson/core';

/**
 * The node runtime a NodeAgent drives (virtual-kubelet-like, at container granularity so the
 * agent keeps every kubelet rule: image pulls, init order, hooks, probes, restarts, back-off).
 * A runtime declares what it can do in `capabilities` instead of stubbing the rest.
 */

export interface RuntimeCapabilities {
  /** logs() is implemented. */
  readonly logs: boolean;
  /** exec() is implemented. */
  readonly exec: boolean;
  /** stats() is implemented. */
  readonly stats: boolean;
}

export interface ImageInfo {
  names: string[];
  sizeBytes: number;
}

/** Why a pull failed, as the kubelet reports it (ErrImagePull and its message). */
export class ImagePullError extends Error {
  override readonly name = 'ImagePullError';
}

export interface ContainerStartResult {
  /** "<runtime>://<id>". */
  containerID: string;
  /** "docker.io/library/nginx@sha256:..." */
  imageID: string;
}

/** A container that stopped on its own (exit), or was stopped by stopContainer. */
export interface ContainerExit {
  podUID: string;
  containerName: string;
  containerID: string;
  exitCode: number;
  /** "Completed", "Error", "OOMKilled", ... (the kubelet derives Completed/Error from the code when absent). */
  reason?: string;
  message?: string;
  /** ms since the epoch. */
  finishedAt: number;
}

export type RuntimeEvent = { type: 'ContainerExited'; exit: ContainerExit };

/** Result of a probe or a lifecycle hook run "inside" a container. */
export interface HandlerResult {
  ok: boolean;
  /** Output or failure reason (shown in events). */
  message?: string;
  /** True when the handler did not answer within the time it was given. */
  timedOut?: boolean;
}

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export interface ContainerStats {
  name: string;
  /** CPU in millicores. */
  cpuMilli: number;
  memoryBytes: number;
}

export interface PodStats {
  podUID: string;
  containers: ContainerStats[];
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** One line of a container's log and when it was written (ms since the epoch), as a CRI log file keeps it. */
export interface LogEntry {
  time: number;
  /** The line without its newline. */
  line: string;
}

/** A read of a container's log: the lines so far and, when following, the ones still to come. */
export interface ContainerLogRead {
  entries: LogEntry[];
  /** With follow: the lines after `entries` as they are written; ends when the container stops (or the signal aborts). */
  more?: AsyncIterable<LogEntry>;
}

export interface Runtime {
  /** "keelson-sim" → nodeInfo.containerRuntimeVersion "keelson-sim://<version>". */
  readonly name: string;
  readonly version: string;
  readonly capabilities: RuntimeCapabilities;
  /** Images present on the node (node.status.images). */
  listImages(): ImageInfo[];
  hasImage(image: string): boolean;
  /** Pulls an image for a container of the pod; throws ImagePullError when it cannot. */
  pullImage(pod: Pod, container: Container, signal?: AbortSignal): Promise<ImageInfo>;
  /** Creates the pod sandbox (network namespace, pod IP given by the agent). */
  createPod(pod: Pod, podIP: string | undefined): Promise<void>;
  /** The pod's spec changed (e.g. an image); most runtimes have nothing to do. */
  updatePod(pod: Pod): Promise<void>;
  /** Removes the sandbox and everything left of the pod's containers. */
  deletePod(pod: Pod): Promise<void>;
  /** Creates and starts a container; resolves once it runs. */
  startContainer(pod: Pod, container: Container, attempt: number, signal?: AbortSignal): Promise<ContainerStartResult>;
  /**
   * Stops a running container: SIGTERM, then SIGKILL after gracePeriodMs. Resolves with how it
   * ended (also reported as a ContainerExited event).
   */
  stopContainer(pod: Pod, containerName: string, gracePeriodMs: number): Promise<ContainerExit | undefined>;
  /** Runs a probe of a running container (exec/httpGet/tcpSocket/grpc), within timeoutMs. */
  probe(pod: Pod, container: Container, kind: ProbeKind, probe: Probe, timeoutMs: number): Promise<HandlerResult>;
  /** Runs a postStart or preStop handler. */
  runHook(pod: Pod, container: Container, hook: 'postStart' | 'preStop', handler: LifecycleHandler, signal?: AbortSignal): Promise<HandlerResult>;
  /** Container exits and other runtime events (the kubelet's PLEG). Returns an unsubscribe. */
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
  logs?(pod: Pod, containerName: string, opts?: { tailLines?: number; previous?: boolean }): Promise<string>;
  /**
   * The log of the container's current instance (or, with previous, of the one before) as timed
   * lines, and with follow the lines still to come until that instance stops. Undefined when the
   * runtime knows no such instance. The agent applies tail, since, timestamps and limits.
   */
  readLog?(pod: Pod, containerName: string, opts: { previous?: boolean; follow?: boolean; signal?: AbortSignal }): ContainerLogRead | undefined;
  exec?(pod: Pod, containerName: string, command: string[]): Promise<ExecResult>;
  stats?(pod: Pod): PodStats | undefined;
  /** Releases timers; called when the agent stops. */
  close?(): void;
}

/** What a runtime factory gets. */
export interface RuntimeContext {
  nodeName: string;
  clock: Clock;
  log: Logger;
  /** The runtime's options (from the hosting plugin's `runtimeOptions`). */
  options: Record<string, unknown>;
}

export type RuntimeFactory = (ctx: RuntimeContext) => Runtime;
