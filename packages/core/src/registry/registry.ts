import type { KindRef } from '@keelson/api';
import type { Client } from '../client/client.js';
import type { Clock } from '../clock/clock.js';
import type { AdmissionPlugin } from '../plugins/contribution-points.js';
import type { Store } from '../store/store.js';
import type { KindRegistry } from './kind-registry.js';
import { ResourceStore } from './resource-store.js';

export interface RegistryOptions {
  store: Store;
  kinds: KindRegistry;
  clock: Clock;
  admission?: readonly AdmissionPlugin[];
}

/** The object registry: one ResourceStore per served kind, all on one Store. */
export class Registry {
  readonly store: Store;
  readonly kinds: KindRegistry;
  readonly clock: Clock;
  private readonly admission: readonly AdmissionPlugin[];
  private readonly stores = new Map<object, ResourceStore>();
  /** The client admission plugins read through (set by whoever builds the client over this registry). */
  admissionClient?: Client;

  constructor(opts: RegistryOptions) {
    this.store = opts.store;
    this.kinds = opts.kinds;
    this.clock = opts.clock;
    this.admission = opts.admission ?? [];
  }

  /** The store of a kind; a 404 ApiError for a kind nobody registered. */
  resourceStore(ref: KindRef): ResourceStore {
    const kind = this.kinds.get(ref);
    let rs = this.stores.get(kind);
    if (!rs) {
      rs = new ResourceStore(kind, { store: this.store, clock: this.clock, admission: this.admission, client: () => this.admissionClient });
      this.stores.set(kind, rs);
    }
    return rs;
  }
}
