import { createHash, randomUUID } from 'node:crypto';
import { ApiError, isAlreadyExists, isConflict, isNotFound, type Node, type Pod, type Taint } from '@keelson/api';
import {
  type Client,
  type Clock,
  type ContainerLogsRequest,
  type NodeAgentEndpoint,
  createEventRecorder,
  type EventRecorder,
  type Logger,
  silentLogger,
  type Ticker,
} from '@keelson/core';
import { PodIPAllocator } from './addresses.js';
import { containerLogStream, validateContainerLogStatus } from './container-logs.js';
import { admitPod, type AdmitResult, NodeUsage } from './admission.js';
import { Backoff } from './backoff.js';
import { ImagePuller } from './image-puller.js';
import { NodeLease } from './node-lease.js';
import { buildNodeStatus, initialNode, type NodeDescription, nodeStatusChanged } from './node-status.js';
import { PodWorker } from './pod-worker.js';
import { informerSources, type NodeAgentSources } from './sources.js';
import type { Runtime } from './runtime.js';
import type { PodWorkerHost } from './worker-host.js';

const NodeRef = { apiVersion: 'v1', kind: 'Node' } as const;
const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;

/** The kubelet version simulated nodes report. */
export const kubeletVersion = 'v1.32.0';

export interface NodeAgentOptions {
  client: Client;
  nodeName: string;
  runtime: Runtime;
  clock: Clock;
  log?: Logger;
  /** Event recorder (default: one writing core/v1 Events as "kubelet"); false: no events. */
  recorder?: EventRecorder | false;
  /** Where pods and the Node come from (default: this agent's own informers). */
  sources?: NodeAgentSources;
  /** InternalIP (default 127.1.0.1). */
  internalIP?: string;
  /** The node's pod CIDR; pods get no IP without one (unless hostNetwork). */
  podCIDR?: string;
  /** cpu, memory, pods, ephemeral-storage (defaults: 8, 32Gi, 110, 100Gi). */
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  labels?: Record<string, string>;
  /** node-role.kubernetes.io/<role> labels. */
  roles?: readonly string[];
  /** Taints registered with the node (kubelet's --register-with-taints). */
  taints?: Taint[];
  architecture?: string;
  /** The port of the agent's HTTP endpoint (serveNodeAgent), published in status.daemonEndpoints (default 10250). */
  kubeletPort?: number;
  /** Lease duration (40 s); the lease is renewed every quarter of it. */
  leaseDurationSeconds?: number;
  /** How often the node status is computed (kubelet: 10 s) ... */
  nodeStatusUpdateFrequencyMs?: number;
  /** ... and written even when unchanged (kubelet: 5 min). */
  nodeStatusReportFrequencyMs?: number;
}

export const defaultCapacity: Readonly<Record<string, string>> = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };

function goArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
}

/**
 * A node agent (kubelet): registers its Node, keeps its Lease and status fresh, and runs the pods
 * bound to it (informer on spec.nodeName) through its Runtime. It talks to the API only through
 * the Client, so it runs the same in-process and against a remote API server.
 */
export class NodeAgent implements PodWorkerHost, NodeAgentEndpoint {
  readonly client: Client;
  readonly clock: Clock;
  readonly log: Logger;
  readonly runtime: Runtime;
  readonly recorder: EventRecorder | undefined;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly restartBackoff: Backoff;
  readonly images: ImagePuller;
  readonly description: NodeDescription;
  readonly lease: NodeLease;
  private readonly workers = new Map<string, PodWorker>();
  /** Resources of the admitted, unfinished pods. */
  readonly usage = new NodeUsage();
  private readonly allocator: PodIPAllocator | undefined;
  private readonly sources: NodeAgentSources;
  private stopPodWatch: (() => void) | undefined;
  private stopNodeWatch: (() => void) | undefined;
  private statusTicker: Ticker | undefined;
  private unsubscribe: (() => void) | undefined;
  private registered: Node | undefined;
  private lastReport = 0;
  private statusRun: Promise<void> | undefined;
  private readonly updateMs: number;
  private readonly reportMs: number;

  constructor(opts: NodeAgentOptions) {
    this.client = opts.client;
    this.clock = opts.clock;
    this.runtime = opts.runtime;
    this.nodeName = opts.nodeName;
    this.log = (opts.log ?? silentLogger).child(`kubelet/${opts.nodeName}`);
    this.recorder = opts.recorder === false ? undefined : (opts.recorder ?? createEventRecorder({ client: opts.client, clock: opts.clock, component: 'kubelet', host: opts.nodeName, log: this.log }));
    this.hostIP = opts.internalIP ?? '127.1.0.1';
    this.sources = opts.sources ?? informerSources({ client: opts.client, clock: opts.clock, log: this.log });
    this.restartBackoff = new Backoff(opts.clock);
    this.images = new ImagePuller(opts.runtime, opts.clock, this.recorder);
    this.allocator = opts.podCIDR ? new PodIPAllocator(opts.podCIDR) : undefined;
    this.updateMs = opts.nodeStatusUpdateFrequencyMs ?? 10_000;
    this.reportMs = opts.nodeStatusReportFrequencyMs ?? 300_000;
    const capacity = { ...defaultCapacity, ...opts.capacity };
    this.description = {
      name: opts.nodeName,
      internalIP: this.hostIP,
      podCIDR: opts.podCIDR,
      capacity,
      allocatable: opts.allocatable ? { ...capacity, ...opts.allocatable } : capacity,
      labels: opts.labels,
      roles: opts.roles,
      taints: opts.taints,
      architecture: opts.architecture ?? goArch(),
      kubeletVersion,
      osImage: 'Keelson simulated node',
      kernelVersion: `${opts.runtime.name}-${opts.runtime.version}`,
      machineID: createHash('md5').update(opts.nodeName).digest('hex'),
      bootID: randomUUID(),
      kubeletPort: opts.kubeletPort ?? 10250,
    };
    this.lease = new NodeLease({ client: this.client, clock: this.clock, log: this.log, nodeName: this.nodeName, durationSeconds: opts.leaseDurationSeconds, node: () => this.registered });
  }

  /** The Node as last written by this agent. */
  get node(): Node | undefined {
    return this.registered;
  }

  /** Registers the node, writes its status, starts the lease and the pod watch. */
  async start(): Promise<void> {
    await this.register();
    await this.syncNodeStatus(true);
    await this.lease.start();
    this.statusTicker = this.clock.tick(this.updateMs, () => {
      if (!this.statusRun) this.statusRun = this.syncNodeStatus(false).finally(() => (this.statusRun = undefined));
    });
    this.unsubscribe = this.runtime.subscribe((ev) => {
      if (ev.type === 'ContainerExited') this.workers.get(ev.exit.podUID)?.containerExited(ev.exit);
    });
    // The agent's own Node as others change it (labels for admission), and its pods.
    this.stopNodeWatch = await this.sources.watchNode(this.nodeName, { onAdd: (n) => this.nodeSeen(n), onUpdate: (_o, n) => this.nodeSeen(n) });
    this.stopPodWatch = await this.sources.watchPods(this.nodeName, {
      onAdd: (pod) => this.podChanged(pod),
      onUpdate: (_old, pod) => this.podChanged(pod),
      onDelete: (pod) => this.workers.get(pod.metadata.uid!)?.removed(),
    });
    this.log.debug('node agent started', { node: this.nodeName, ip: this.hostIP, podCIDR: this.description.podCIDR });
  }

  /** Stops watching and heartbeating; pods are left as they are (a kubelet restart does the same). */
  async stop(): Promise<void> {
    this.stopPodWatch?.();
    this.stopNodeWatch?.();
    this.statusTicker?.stop();
    this.lease.stop();
    this.unsubscribe?.();
    for (const w of [...this.workers.values()]) w.finish();
    this.workers.clear();
    await this.statusRun;
    await this.recorder?.flush();
    this.runtime.close?.();
  }

  /** The pod workers (for tests and debugging). */
  worker(uid: string): PodWorker | undefined {
    return this.workers.get(uid);
  }

  /**
   * The kubelet's GetContainerLogs: the log of a container of one of this node's pods, after
   * checking (with the status this agent computes) that there is one to show.
   */
  async containerLogs(req: ContainerLogsRequest, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const w = [...this.workers.values()].find((x) => x.pod.metadata.namespace === req.namespace && x.pod.metadata.name === req.podName && (!req.podUID || x.uid === req.podUID));
    if (!w) throw new ApiError(404, 'NotFound', `pod ${JSON.stringify(req.podName)} does not exist`);
    const containerID = validateContainerLogStatus(req.podName, w.currentStatus(), req.containerName, !!req.options.previous);
    return containerLogStream(this.runtime, w.pod, req.containerName, req.options, this.clock.now(), signal, containerID);
  }

  get podCount(): number {
    return this.workers.size;
  }

  private nodeSeen(node: Node): void {
    const mine = this.registered;
    if (!mine || mine.metadata.uid !== node.metadata.uid || Number(node.metadata.resourceVersion) > Number(mine.metadata.resourceVersion)) this.registered = node;
  }

  private podChanged(pod: Pod): void {
    const uid = pod.metadata.uid!;
    let w = this.workers.get(uid);
    if (!w) {
      w = new PodWorker(this, pod);
      this.workers.set(uid, w);
    }
    w.update(pod);
  }

  admit(pod: Pod): AdmitResult {
    if (!this.registered) return { admit: false, reason: 'NodeNotRegistered', message: 'Pod was rejected: node not registered yet' };
    this.usage.remove(pod.metadata.uid!);
    const result = admitPod(pod, this.registered, this.usage);
    if (result.admit) this.usage.add(pod);
    return result;
  }

  allocateIP(pod: Pod): string | undefined {
    return this.allocator?.allocate(pod.metadata.uid!);
  }

  releaseIP(pod: Pod): void {
    this.allocator?.release(pod.metadata.uid!);
  }

  podInactive(w: PodWorker): void {
    this.usage.remove(w.uid);
  }

  workerFinished(w: PodWorker): void {
    this.usage.remove(w.uid);
    if (this.workers.get(w.uid) === w) this.workers.delete(w.uid);
  }

  /** kubelet's registerWithAPIServer: create the Node, or take over the one already there. */
  private async register(): Promise<void> {
    const wanted = initialNode(this.description);
    try {
      this.registered = await this.client.create<Node>(wanted);
      return;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.client.get<Node>(NodeRef, this.nodeName);
      const next: Node = {
        ...existing,
        metadata: { ...existing.metadata, labels: { ...existing.metadata.labels, ...wanted.metadata.labels } },
        spec: { ...existing.spec, ...(wanted.spec?.podCIDR && !existing.spec?.podCIDR ? { podCIDR: wanted.spec.podCIDR, podCIDRs: wanted.spec.podCIDRs } : {}) },
      };
      try {
        this.registered = await this.client.update<Node>(next);
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
    throw new Error(`could not register node ${this.nodeName}: too many conflicts`);
  }

  /** Writes the node status when it changed, or when the report interval has passed. */
  async syncNodeStatus(force: boolean): Promise<void> {
    const now = this.clock.now();
    const cached = this.registered;
    if (!cached) return;
    const wanted = buildNodeStatus(this.description, this.runtime, cached.status, now);
    if (!force && !nodeStatusChanged(cached.status, wanted) && now - this.lastReport < this.reportMs) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const current = attempt === 0 ? cached : await this.client.get<Node>(NodeRef, this.nodeName);
        const status = buildNodeStatus(this.description, this.runtime, current.status, now);
        this.registered = await this.client.updateStatus<Node>({ ...current, status });
        this.lastReport = now;
        return;
      } catch (err) {
        if (isConflict(err)) continue;
        if (isNotFound(err)) {
          // Someone deleted our Node: register again, as kubelet does on its next sync.
          await this.register().catch(() => undefined);
          continue;
        }
        this.log.warn('node status update failed', { node: this.nodeName, error: (err as Error).message });
        return;
      }
    }
  }
}
