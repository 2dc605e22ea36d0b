import type { Node, Pod } from '@keelson/api';
import {
  type Client,
  type Clock,
  createSharedIndexInformer,
  listWatchFromClient,
  type Logger,
  type ResourceEventHandler,
  type SharedIndexInformer,
  silentLogger,
} from '@keelson/core';

const NodeRef = { apiVersion: 'v1', kind: 'Node' } as const;
const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;

/**
 * Where a node agent learns about its pods and its Node. By default each agent runs its own
 * informers with field selectors (spec.nodeName=<node>, metadata.name=<node>), as kubelet does;
 * many agents in one process share one pod watch and one node watch instead (SharedNodeSources),
 * as kwok does, so a pod change is decoded once rather than once per node.
 */
export interface NodeAgentSources {
  /** Delivers the pods bound to nodeName; resolves once the current ones were delivered. Returns a stop function. */
  watchPods(nodeName: string, handler: ResourceEventHandler<Pod>): Promise<() => void>;
  /** Delivers the Node named nodeName as it changes. Returns a stop function. */
  watchNode(nodeName: string, handler: ResourceEventHandler<Node>): Promise<() => void>;
}

export interface SourceOptions {
  client: Client;
  clock: Clock;
  log?: Logger;
}

/** One informer per agent and kind, narrowed by field selectors (works against any API server). */
export function informerSources(opts: SourceOptions): NodeAgentSources {
  const start = async <T extends Pod | Node>(kind: typeof PodRef | typeof NodeRef, fieldSelector: string, handler: ResourceEventHandler<T>) => {
    const informer = createSharedIndexInformer<T>({ kind, listerWatcher: listWatchFromClient<T>(opts.client, kind, { fieldSelector }), clock: opts.clock, log: opts.log ?? silentLogger });
    informer.addEventHandler(handler);
    await informer.start();
    return () => informer.stop();
  };
  return {
    watchPods: (nodeName, handler) => start<Pod>(PodRef, `spec.nodeName=${nodeName}`, handler),
    watchNode: (nodeName, handler) => start<Node>(NodeRef, `metadata.name=${nodeName}`, handler),
  };
}

/** Informers already running in this process (the cluster's shared ones) for SharedNodeSources to use. */
export interface SharedPodNodeInformers {
  pods: SharedIndexInformer<Pod>;
  nodes: SharedIndexInformer<Node>;
}

/**
 * One pod informer and one node informer for every agent of this process: the process's shared
 * informers when given (the in-process control plane's, so a pod is decoded and cached once for
 * the scheduler, the controllers and the agents), else its own pair (bound pods only).
 */
export class SharedNodeSources implements NodeAgentSources {
  private readonly pods: SharedIndexInformer<Pod>;
  private readonly nodes: SharedIndexInformer<Node>;
  /** The informers were made here (stopped with the sources) rather than shared. */
  private readonly owned: boolean;
  private readonly registrations: { remove(): void }[] = [];
  private readonly podHandlers = new Map<string, ResourceEventHandler<Pod>>();
  private readonly nodeHandlers = new Map<string, ResourceEventHandler<Node>>();
  /** Bound pods by node and key, as delivered so far (references to the informer's objects). */
  private readonly bound = new Map<string, Map<string, Pod>>();
  private started: Promise<void> | undefined;

  constructor(opts: SourceOptions & { informers?: SharedPodNodeInformers }) {
    const log = opts.log ?? silentLogger;
    this.owned = !opts.informers;
    this.pods =
      opts.informers?.pods ??
      createSharedIndexInformer<Pod>({ kind: PodRef, listerWatcher: listWatchFromClient<Pod>(opts.client, PodRef, { fieldSelector: 'spec.nodeName!=' }), clock: opts.clock, log });
    this.nodes = opts.informers?.nodes ?? createSharedIndexInformer<Node>({ kind: NodeRef, listerWatcher: listWatchFromClient<Node>(opts.client, NodeRef), clock: opts.clock, log });
    const key = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
    this.registrations.push(
      this.pods.addEventHandler({
        onAdd: (p, initial) => {
          const node = p.spec?.nodeName;
          if (!node) return;
          this.remember(node, key(p), p);
          return this.podHandlers.get(node)?.onAdd?.(p, initial);
        },
        onUpdate: (o, p) => {
          const node = p.spec?.nodeName;
          if (!node) return;
          this.remember(node, key(p), p);
          // A pod the scheduler just bound is new to its node (nodeName never changes once set).
          if (o.spec?.nodeName !== node) return this.podHandlers.get(node)?.onAdd?.(p, false);
          return this.podHandlers.get(node)?.onUpdate?.(o, p);
        },
        onDelete: (p, info) => {
          const node = p.spec?.nodeName;
          if (!node) return;
          this.bound.get(node)?.delete(key(p));
          return this.podHandlers.get(node)?.onDelete?.(p, info);
        },
      }),
      this.nodes.addEventHandler({
        onAdd: (n, initial) => this.nodeHandlers.get(n.metadata.name!)?.onAdd?.(n, initial),
        onUpdate: (o, n) => this.nodeHandlers.get(n.metadata.name!)?.onUpdate?.(o, n),
        onDelete: (n, info) => this.nodeHandlers.get(n.metadata.name!)?.onDelete?.(n, info),
      }),
    );
  }

  private remember(node: string, key: string, p: Pod): void {
    let pods = this.bound.get(node);
    if (!pods) this.bound.set(node, (pods = new Map()));
    pods.set(key, p);
  }

  private start(): Promise<void> {
    this.started ??= Promise.all([this.pods.start(), this.nodes.start()]).then(() => undefined);
    return this.started;
  }

  async watchPods(nodeName: string, handler: ResourceEventHandler<Pod>): Promise<() => void> {
    await this.start();
    this.podHandlers.set(nodeName, handler);
    // What was delivered already for this node (a later duplicate notification is harmless).
    for (const p of [...(this.bound.get(nodeName)?.values() ?? [])]) await handler.onAdd?.(p, true);
    return () => {
      if (this.podHandlers.get(nodeName) === handler) this.podHandlers.delete(nodeName);
    };
  }

  async watchNode(nodeName: string, handler: ResourceEventHandler<Node>): Promise<() => void> {
    await this.start();
    this.nodeHandlers.set(nodeName, handler);
    const n = this.nodes.getIndexer().getByKey(nodeName);
    if (n) await handler.onAdd?.(n, true);
    return () => {
      if (this.nodeHandlers.get(nodeName) === handler) this.nodeHandlers.delete(nodeName);
    };
  }

  stop(): void {
    for (const r of this.registrations) r.remove();
    if (!this.owned) return;
    this.pods.stop();
    this.nodes.stop();
  }
}
