import type { KindRef, KubeObject } from '@keelson/api';
import type { Client } from '../client/client.js';
import type { Clock } from '../clock/clock.js';
import { type Logger, silentLogger } from '../log.js';
import type { Lister, SharedIndexInformer, SharedInformerFactory } from './interfaces.js';
import { kindKey } from './kind-key.js';
import { listWatchFromClient } from './list-watch.js';
import { createSharedIndexInformer } from './shared-informer.js';

/**
 * One shared informer per kind for everything built on a Client (client-go's
 * SharedInformerFactory). Kinds are keyed by apiVersion + kind, so a KindDefinition and an
 * `{ apiVersion, kind }` reference to the same kind share one informer.
 */

export interface SharedInformerFactoryOptions {
  client: Client;
  clock: Clock;
  /** Default resync period of every informer; 0 / absent = no resync. */
  resyncMs?: number;
  /** Watch only this namespace (all namespaces when absent). */
  namespace?: string;
  log?: Logger;
  /** Applied by every informer to every object before its cache (see SharedIndexInformerOptions.transform). */
  transform?: (obj: KubeObject) => KubeObject;
}

export function createSharedInformerFactory(opts: SharedInformerFactoryOptions): SharedInformerFactory {
  const informers = new Map<string, SharedIndexInformer<KubeObject>>();
  const log = opts.log ?? silentLogger;
  let started = false;
  let stopped = false;

  const startOne = (key: string, informer: SharedIndexInformer<KubeObject>): Promise<void> =>
    informer.start().catch((err: unknown) => {
      if (!stopped) log.error('informer failed to start', { kind: key, error: err instanceof Error ? err.message : String(err) });
      throw err;
    });

  const factory: SharedInformerFactory = {
    informerFor<T extends KubeObject = KubeObject>(kind: KindRef): SharedIndexInformer<T> {
      const key = kindKey(kind);
      let informer = informers.get(key);
      if (!informer) {
        informer = createSharedIndexInformer<KubeObject>({
          kind,
          listerWatcher: listWatchFromClient(opts.client, kind, { namespace: opts.namespace }),
          clock: opts.clock,
          resyncMs: opts.resyncMs,
          log,
          transform: opts.transform,
        });
        informers.set(key, informer);
        // Requested after start(): started on request; `await informer.start()` waits for its sync.
        if (started && !stopped) startOne(key, informer).catch(() => undefined);
      }
      return informer as unknown as SharedIndexInformer<T>;
    },

    lister<T extends KubeObject = KubeObject>(kind: KindRef): Lister<T> {
      return factory.informerFor<T>(kind).lister();
    },

    async start(): Promise<void> {
      started = true;
      await Promise.all([...informers].map(([key, informer]) => startOne(key, informer)));
    },

    stop(): void {
      stopped = true;
      for (const informer of informers.values()) informer.stop();
    },
  };
  return factory;
}
