import type { KindRef } from '@keelson/api';
import type { Client } from '../client/client.js';
import type { Clock } from '../clock/clock.js';
import type { AdmissionPlugin } from '../plugins/contribution-points.js';
import type { Store } from '../store/store.js';
import type { KindRegistry } from './kind-registry.js';
import { ResourceStore } from './resource-store.js';
import type { WatchCacheOptions } from './watch-cache/watch-cache.js';

export interface RegistryOptions {
  store: Store;
  kinds: KindRegistry;
  clock: Clock;
  admission?: readonly AdmissionPlugin[];
  /** LIST and WATCH from a watch cache per kind (default on, 1000 events each); false: always from the store. */
  watchCache?: WatchCacheOptions | false;
}

/** The object registry: one ResourceStore per served kind, all on one Store. */
export class Registry {
  readonly store: Store;
  readonly kinds: KindRegistry;
  readonly clock: Clock;
  private readonly admission: readonly AdmissionPlugin[];
  private readonly watchCache: WatchCacheOptions | false;
  private readonly stores = new Map<object, ResourceStore>();
  /** The client admission plugins read through (set by whoever builds the client over this registry). */
  admissionClient?: Client;

  constructor(opts: RegistryOptions) {
    this.store = opts.store;
    this.kinds = opts.kinds;
    this.clock = opts.clock;
    this.admission = opts.admission ?? [];
    this.watchCache = opts.watchCache ?? {};
  }

  /** Stops every watch cache (their store watches end; their watchers are terminated). */
  close(): void {
    for (const rs of this.stores.values()) rs.close();
  }

  /** The store of a kind; a 404 ApiError for a kind nobody registered. */
  resourceStore(ref: KindRef): ResourceStore {
    const kind = this.kinds.get(ref);
    let rs = this.stores.get(kind);
    if (!rs) {
      rs = new ResourceStore(kind, { store: this.store, clock: this.clock, admission: this.admission, client: () => this.admissionClient, watchCache: this.watchCache });
      this.stores.set(kind, rs);
    }
    return rs;
  }
}
