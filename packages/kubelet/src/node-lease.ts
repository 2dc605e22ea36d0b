import { isConflict, isNotFound, type Lease, type Node } from '@keelson/api';
import { type Client, type Clock, type Logger, rfc3339Micro, type Ticker } from '@keelson/core';

const LeaseRef = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as const;
export const NodeLeaseNamespace = 'kube-node-lease';

export interface NodeLeaseOptions {
  client: Client;
  clock: Clock;
  log: Logger;
  nodeName: string;
  /** Lease duration (kubelet's nodeLeaseDurationSeconds, 40). */
  durationSeconds?: number;
  /** Renew interval (kubelet: 0.25 × duration = 10 s). */
  renewIntervalMs?: number;
  /** The Node, once registered, so the lease gets an owner reference to it. */
  node: () => Node | undefined;
}

/**
 * The kubelet's node lease controller: a Lease named after the node in kube-node-lease, held by
 * the node, renewed every renewInterval (the heartbeat the node-lifecycle controller watches).
 */
export class NodeLease {
  private ticker: Ticker | undefined;
  private lease: Lease | undefined;
  private running: Promise<void> | undefined;
  readonly durationSeconds: number;
  readonly renewIntervalMs: number;

  constructor(private readonly opts: NodeLeaseOptions) {
    this.durationSeconds = opts.durationSeconds ?? 40;
    this.renewIntervalMs = opts.renewIntervalMs ?? this.durationSeconds * 250;
  }

  /** Renews now, then every renew interval until stop(). */
  async start(): Promise<void> {
    await this.renew();
    this.ticker = this.opts.clock.tick(this.renewIntervalMs, () => {
      // A renewal still in flight (slow server) is not doubled.
      if (!this.running) this.running = this.renew().finally(() => (this.running = undefined));
    });
  }

  stop(): void {
    this.ticker?.stop();
    this.ticker = undefined;
  }

  private ownerRefs(): Lease['metadata']['ownerReferences'] {
    const node = this.opts.node();
    if (!node?.metadata.uid) return undefined;
    return [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name!, uid: node.metadata.uid }];
  }

  /** One renewal: update the cached lease, create it when missing, re-read it on a conflict. */
  async renew(): Promise<void> {
    const { client, clock, nodeName } = this.opts;
    const now = rfc3339Micro(clock.now());
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        if (!this.lease) {
          try {
            this.lease = await client.get<Lease>(LeaseRef, nodeName, { namespace: NodeLeaseNamespace });
          } catch (err) {
            if (!isNotFound(err)) throw err;
            const owners = this.ownerRefs();
            this.lease = await client.create<Lease>({
              apiVersion: 'coordination.k8s.io/v1',
              kind: 'Lease',
              metadata: { name: nodeName, namespace: NodeLeaseNamespace, ...(owners ? { ownerReferences: owners } : {}) },
              spec: { holderIdentity: nodeName, leaseDurationSeconds: this.durationSeconds, renewTime: now },
            });
            return;
          }
        }
        const owners = this.lease.metadata.ownerReferences?.length ? this.lease.metadata.ownerReferences : this.ownerRefs();
        const next: Lease = {
          ...this.lease,
          metadata: { ...this.lease.metadata, ...(owners ? { ownerReferences: owners } : {}) },
          spec: { ...this.lease.spec, holderIdentity: nodeName, leaseDurationSeconds: this.durationSeconds, renewTime: now },
        };
        this.lease = await client.update<Lease>(next);
        return;
      } catch (err) {
        this.lease = undefined;
        if (isConflict(err) || isNotFound(err)) continue;
        this.opts.log.warn('failed to update node lease', { node: nodeName, error: (err as Error).message });
        return;
      }
    }
  }
}
