import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDefinition, KubeObject, PluginContext } from '@keelson/api';
import type { Client } from '../client/client.js';
import type { Runnable } from '../controller/interfaces.js';
import type { ControllerDefinition } from '../controller/builder.js';
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../log.js';
import type { NodeConnections } from '../nodes/node-connections.js';
import type { Store } from '../store/store.js';

/** What an admission plugin sees for one write. */
export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  kind: KindDefinition;
  /** Subresource written ("status", "scale", "eviction", ...), or undefined. */
  subresource?: string;
  namespace?: string;
  name: string;
  /** The object being written (mutable in `mutate`); for DELETE, the object being deleted. */
  object: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  /** The cluster's client, for admission that must read other objects (e.g. the namespace). */
  client: Client;
}

/** Admission: mutate then validate every write, as kube-apiserver's admission chain. */
export interface AdmissionPlugin {
  readonly name: string;
  /** Operations this plugin cares about (all by default). */
  readonly operations?: readonly AdmissionRequest['operation'][];
  /** Restrict to these "group/plural" resources, e.g. "apps/deployments", "/pods" (all by default). */
  readonly resources?: readonly string[];
  /** May change req.object. Throw an ApiError to reject. */
  mutate?(req: AdmissionRequest): void | Promise<void>;
  /** Throw an ApiError to reject. */
  validate?(req: AdmissionRequest): void | Promise<void>;
}

/**
 * What a store backend gets when it opens a store. The store is opened before the cluster is
 * assembled (every other service is built over it), so this is not a PluginContext.
 */
export interface StoreBackendContext {
  /** The cluster's clock (scheduled compaction, progress notifications). */
  clock: Clock;
  /** Where embedded backends keep their files when the URL names no directory. */
  dataDir: string;
  log?: Logger;
}

/** A storage engine, chosen by URL scheme ("memory", "sqlite:/path", "etcd://host:port"). */
export interface StoreBackend {
  /** URL scheme without the colon: "memory", "sqlite", "etcd". */
  readonly scheme: string;
  open(url: string, ctx: StoreBackendContext): Promise<Store>;
}

/** An extra HTTP route served by the API server (e.g. a metrics or debug endpoint). */
export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Exact path, or a prefix ending in '/*'. */
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse, ctx: PluginContext): void | Promise<void>;
}

/** A scheduler plugin by name; @keelson/scheduler augments this with its factory type. */
export interface SchedulerPluginContribution {
  readonly name: string;
}

/** A service proxy mode by name; @keelson/proxy augments this with its factory type. */
export interface ProxyModeContribution {
  readonly name: string;
}

/** A node runtime by name; @keelson/kubelet augments this with its factory type. */
export interface RuntimeContribution {
  readonly name: string;
}

declare module '@keelson/api' {
  interface ContributionPoints {
    controllers: ControllerDefinition;
    runnables: Runnable;
    admission: AdmissionPlugin;
    storeBackends: StoreBackend;
    apiRoutes: ApiRoute;
    schedulerPlugins: SchedulerPluginContribution;
    proxyModes: ProxyModeContribution;
    runtimes: RuntimeContribution;
  }
  /** What a POST subresource's handle() gets (pods/eviction deletes through it). */
  interface SubresourceServices {
    client: Client;
  }
  /** What a GET subresource's handle() gets (pods/log reaches the pod's node agent through nodes). */
  interface GetSubresourceServices {
    client: Client;
    nodes: NodeConnections;
  }
}
