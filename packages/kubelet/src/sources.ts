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

const byNode = 'nodeName';

/** One pod informer (bound pods) and one node informer for every agent of this process. */
export class SharedNodeSources implements NodeAgentSources {
  private readonly pods: SharedIndexInformer<Pod>;
  private readonly nodes: SharedIndexInformer<Node>;
  private readonly podHandlers = new Map<string, ResourceEventHandler<Pod>>();
  private readonly nodeHandlers = new Map<string, ResourceEventHandler<Node>>();
  private started: Promise<void> | undefined;

  constructor(opts: SourceOptions) {
    const log = opts.log ?? silentLogger;
    this.pods = createSharedIndexInformer<Pod>({
      kind: PodRef,
      listerWatcher: listWatchFromClient<Pod>(opts.client, PodRef, { fieldSelector: 'spec.nodeName!=' }),
      clock: opts.clock,
      log,
      indexers: { [byNode]: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
    });
    this.nodes = createSharedIndexInformer<Node>({ kind: NodeRef, listerWatcher: listWatchFromClient<Node>(opts.client, NodeRef), clock: opts.clock, log });
    const podTo = (p: Pod) => (p.spec?.nodeName ? this.podHandlers.get(p.spec.nodeName) : undefined);
    this.pods.addEventHandler({
      onAdd: (p, initial) => podTo(p)?.onAdd?.(p, initial),
      onUpdate: (o, p) => podTo(p)?.onUpdate?.(o, p),
      onDelete: (p, info) => podTo(p)?.onDelete?.(p, info),
    });
    this.nodes.addEventHandler({
      onAdd: (n, initial) => this.nodeHandlers.get(n.metadata.name!)?.onAdd?.(n, initial),
      onUpdate: (o, n) => this.nodeHandlers.get(n.metadata.name!)?.onUpdate?.(o, n),
      onDelete: (n, info) => this.nodeHandlers.get(n.metadata.name!)?.onDelete?.(n, info),
    });
  }

  private start(): Promise<void> {
    this.started ??= Promise.all([this.pods.start(), this.nodes.start()]).then(() => undefined);
    return this.started;
  }

  async watchPods(nodeName: string, handler: ResourceEventHandler<Pod>): Promise<() => void> {
    await this.start();
    this.podHandlers.set(nodeName, handler);
    // What the cache already holds for this node (a later duplicate notification is harmless).
    for (const p of this.pods.getIndexer().byIndex(byNode, nodeName)) await handler.onAdd?.(p, true);
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
    this.pods.stop();
    this.nodes.stop();
  }
}
