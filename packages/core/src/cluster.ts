import type { KindDefinition, PluginDefinition, ServiceToken } from '@keelson/api';
import type { Client } from './client/client.js';
import { InProcessClient } from './client/in-process-client.js';
import { type Clock, RealClock } from './clock/clock.js';
import { createEventRecorder } from './events/recorder.js';
import type { EventRecorder } from './events/interfaces.js';
import type { SharedInformerFactory } from './informers/interfaces.js';
import { createSharedInformerFactory } from './informers/factory.js';
import { stripManagedFields } from './informers/shared-informer.js';
import { type Logger, createLogger } from './log.js';
import { Manager, type LeaderElector } from './controller/manager.js';
import { loadPlugins, type LoadedPlugins } from './plugins/loader.js';
import { ClientToken, ClockToken, EventRecorderToken, InformersToken, KindRegistryToken, LoggerToken, RegistryToken, StoreToken } from './plugins/tokens.js';
import { NodeConnectionsImpl, NodeConnectionsToken } from './nodes/node-connections.js';
import { KindRegistry } from './registry/kind-registry.js';
import { Registry } from './registry/registry.js';
import type { WatchCacheOptions } from './registry/watch-cache/watch-cache.js';
import { MemoryStore } from './store/memory-store.js';
import type { Store } from './store/store.js';

export interface ClusterOptions {
  /** The cluster: a list of plugins (order among independent plugins is kept). */
  plugins: readonly PluginDefinition[];
  /** Storage (a fresh MemoryStore by default). The cluster closes it on stop() only if it created it. */
  store?: Store;
  /**
   * Run against a remote API server through this client (an HttpClient): no store and no registry
   * in this process, so `store` and `registry` are unavailable, StoreToken and RegistryToken are
   * not provided and admission plugins do not run here (the API server runs them). The plugins
   * still contribute kinds (the KindRegistry), services, controllers and runnables, and informers,
   * the event recorder and plugin setups use this client.
   */
  client?: Client;
  clock?: Clock;
  logger?: Logger;
  /** Options per plugin name, seen by that plugin as ctx.options. */
  pluginOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * Event source component for the cluster's own recorder (`recorder`, EventRecorderToken);
   * controllers and runnables record through recorders of their own component.
   */
  component?: string;
  /** Gate runnables that need leader election (HA); without it this process always leads. */
  leaderElector?: LeaderElector;
  /** The API's watch cache (LIST and WATCH from memory); false serves them from the store. */
  watchCache?: WatchCacheOptions | false;
}

/** An assembled control plane: plugins loaded, kinds registered, controllers ready to start. */
export interface Cluster {
  readonly plugins: LoadedPlugins;
  readonly kinds: KindRegistry;
  /** The object registry (throws for a cluster over a remote client). */
  readonly registry: Registry;
  /** The store (throws for a cluster over a remote client). */
  readonly store: Store;
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  /** The cluster's own recorder (component: ClusterOptions.component); controllers have their own. */
  readonly recorder: EventRecorder;
  readonly manager: Manager;
  readonly clock: Clock;
  readonly log: Logger;
  /** A service by token (the core's or any plugin's). */
  get<T>(token: ServiceToken<T>): T;
  /** Names of the controllers contributed by the plugins. */
  controllerNames(): string[];
  /** Starts informers, controllers and runnables; resolves once everything is running and synced. */
  start(): Promise<void>;
  /** Stops everything in reverse order, disposes plugins, closes the store if the cluster opened it. */
  stop(): Promise<void>;
}

/**
 * Assembles a cluster from plugins: loads and orders them, registers their kinds with the
 * registry over the store, provides the core services (clock, logger, store, client, informers,
 * event recorder) to every plugin, runs each plugin's setup in dependency order, and hands every
 * controller and runnable to the Manager.
 */
export async function createCluster(opts: ClusterOptions): Promise<Cluster> {
  const clock = opts.clock ?? new RealClock();
  const log = opts.logger ?? createLogger({ name: 'keelson' });
  const remote = opts.client;
  if (remote && opts.store) throw new TypeError('createCluster: pass either a store or a (remote) client, not both');
  const ownStore = !opts.store && !remote;
  const store = remote ? undefined : (opts.store ?? new MemoryStore({ clock }));

  const plugins = loadPlugins([...opts.plugins], { options: opts.pluginOptions ?? {} });
  const kinds = new KindRegistry();
  for (const kind of plugins.contributions('kinds') as readonly KindDefinition[]) kinds.register(kind);
  const registry = store ? new Registry({ store, kinds, clock, admission: [...plugins.contributions('admission')], watchCache: opts.watchCache }) : undefined;
  const client = remote ?? new InProcessClient(registry!);
  // The shared caches hold objects without managedFields (as controller-runtime's and many
  // client-go components' caches do): nothing in-process reads field ownership from them.
  const informers = createSharedInformerFactory({ client, clock, log: log.child('informers'), transform: stripManagedFields });
  const recorder = createEventRecorder({ client, clock, component: opts.component ?? 'keelson', log: log.child('events') });

  const container = plugins.container;
  container.provide(ClockToken, clock);
  container.provide(LoggerToken, log);
  if (store) container.provide(StoreToken, store);
  container.provide(ClientToken, client);
  container.provide(InformersToken, informers);
  container.provide(EventRecorderToken, recorder);
  container.provide(KindRegistryToken, kinds);
  if (registry) container.provide(RegistryToken, registry);
  container.provide(NodeConnectionsToken, new NodeConnectionsImpl());

  await plugins.setupAll();

  const manager = new Manager({ client, informers, clock, log: log.child('manager'), leaderElector: opts.leaderElector, services: container });
  const controllers = plugins.contributions('controllers');
  for (const def of controllers) manager.addController(def);
  for (const runnable of plugins.contributions('runnables')) manager.add(runnable);

  let stopped = false;
  const local = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`this cluster runs over a remote API server (ClusterOptions.client): it has no local ${what}`);
    return value;
  };
  return {
    plugins,
    kinds,
    get registry() {
      return local('registry', registry);
    },
    get store() {
      return local('store', store);
    },
    client,
    informers,
    recorder,
    manager,
    clock,
    log,
    get: (token) => container.get(token),
    controllerNames: () => controllers.map((c) => c.name),
    start: () => manager.start(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await manager.stop();
      await recorder.flush();
      await plugins.disposeAll();
      registry?.close();
      if (ownStore) await store!.close();
    },
  };
}
