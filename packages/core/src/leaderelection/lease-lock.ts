import { isNotFound, type Lease, type LeaseSpec } from '@keelson/api';
import type { Client } from '../client/client.js';

const LeaseKind = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;

/** A coordination.k8s.io/v1 Lease used as a lock: read, create, compare-and-swap update. */
export class LeaseLock {
  constructor(
    private readonly client: Client,
    readonly namespace: string,
    readonly name: string,
  ) {}

  async get(): Promise<Lease | undefined> {
    try {
      return await this.client.get<Lease>(LeaseKind, this.name, { namespace: this.namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  create(spec: LeaseSpec): Promise<Lease> {
    return this.client.create<Lease>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: this.namespace }, spec });
  }

  /** Writes spec if the lease is still at current's resourceVersion (409 otherwise). */
  update(current: Lease, spec: LeaseSpec): Promise<Lease> {
    return this.client.update<Lease>({ ...current, spec });
  }

  describe(): string {
    return `${this.namespace}/${this.name}`;
  }
}
