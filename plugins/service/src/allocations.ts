import { fieldError, internalError, invalid, type Service } from '@keelson/api';
import { IPAllocator } from './ip-allocator.js';
import { PortAllocator } from './port-allocator.js';
import { RangeFullError } from './range-allocator.js';
import { heldIPs, heldNodePorts, isHeadless, needsClusterIP, needsHealthCheckNodePort, needsNodePorts, specOf } from './service-types.js';
import { goStrings } from './service-validation.js';

export const DEFAULT_SERVICE_CIDR = '127.96.0.0/16';
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';
/** How long an allocation whose write never reached the store (a failed create) stays reserved. */
export const PENDING_TIMEOUT_MS = 30_000;

export interface ServiceAllocationsOptions {
  /** --service-cluster-ip-range (default 127.96.0.0/16). */
  serviceClusterIPRange?: string;
  /** --service-node-port-range (default 30000-32767). */
  serviceNodePortRange?: string;
  /** Current time in ms (the cluster's Clock). */
  now: () => number;
  random?: () => number;
  pendingTimeoutMs?: number;
}

/** The Services in the store, newest first read: what allocation is checked against. */
export interface ServiceSnapshot {
  services: readonly Service[];
  /** The list's resourceVersion: older snapshots than the last one used are ignored. */
  resourceVersion: string;
}

type Resource = `ip:${string}` | `port:${number}`;


/**
 * Cluster IPs and node ports of one cluster. The state is the Services in the store (read before
 * every allocation, so a restarted cluster, a deleted Service or a type change is seen at once)
 * plus allocations of writes still in flight, which the store does not show yet. An in-flight
 * allocation is settled (the store is the truth for it from then on) once a snapshot or a later
 * write shows that its write landed, when its Service is deleted, or after a timeout if its
 * write failed.
 */
export class ServiceAllocations {
  readonly ips: IPAllocator;
  readonly ports: PortAllocator;
  /** Allocations of writes not yet seen in the store: by the Service's uid, and the resourceVersion the write started from. */
  private readonly pending = new Map<Resource, { uid: string; baseRv: string; at: number }>();
  private lastRv = -1n;
  /** The resourceVersion the write being assigned starts from ('' for a create). */
  private baseRv = '';

  constructor(private readonly opts: ServiceAllocationsOptions) {
    this.ips = new IPAllocator(opts.serviceClusterIPRange ?? DEFAULT_SERVICE_CIDR, { random: opts.random });
    this.ports = new PortAllocator(opts.serviceNodePortRange ?? DEFAULT_NODE_PORT_RANGE, { random: opts.random });
  }

  /** Rebuilds the bitmaps from the store's Services and the in-flight allocations (kube's repair loop, on demand). */
  rebuild(snapshot: ServiceSnapshot): void {
    const rv = /^\d+$/.test(snapshot.resourceVersion) ? BigInt(snapshot.resourceVersion) : this.lastRv + 1n;
    if (rv < this.lastRv) return; // an older view than the one in use: keep the newer state
    this.lastRv = rv;
    this.ips.reset();
    this.ports.reset();
    const stored = new Set<Resource>();
    const versions = new Map<string, string>();
    for (const svc of snapshot.services) {
      for (const ip of heldIPs(svc)) stored.add(`ip:${ip}`);
      for (const port of heldNodePorts(svc)) stored.add(`port:${port}`);
      versions.set(svc.metadata.uid ?? '', svc.metadata.resourceVersion ?? '');
    }
    const now = this.opts.now();
    for (const [r, p] of this.pending) {
      const rv = versions.get(p.uid);
      const landed = rv !== undefined && rv !== p.baseRv;
      if (landed || now - p.at > (this.opts.pendingTimeoutMs ?? PENDING_TIMEOUT_MS)) this.pending.delete(r);
    }
    for (const r of [...stored, ...this.pending.keys()]) this.mark(r);
  }

  /**
   * A write or delete of this Service is under way, so its earlier writes have landed (or failed):
   * their allocations are the store's business now. On delete, everything it held in flight goes.
   */
  settle(uid: string, currentRv: string | undefined, deleting: boolean): void {
    for (const [r, p] of this.pending) {
      if (p.uid === uid && (deleting || p.baseRv !== (currentRv ?? ''))) {
        this.pending.delete(r);
        // Free unless the store holds it (the next rebuild marks what the store holds).
        if (deleting) this.unmark(r);
      }
    }
  }

  /**
   * Allocates what a Service being created (old undefined) or updated needs, in place: a cluster
   * IP (unless headless or ExternalName), node ports for NodePort and LoadBalancer, a health check
   * node port for LoadBalancer with externalTrafficPolicy Local. Requested values are honoured if
   * free and in range. Throws kube's 422 Invalid (or 500 when a range is full). A dry run
   * allocates nothing.
   */
  assign(svc: Service, old: Service | undefined, dryRun: boolean): void {
    this.baseRv = old?.metadata.resourceVersion ?? '';
    const txn: Resource[] = [];
    try {
      this.assignClusterIP(svc, old, txn);
      this.assignNodePorts(svc, old, txn);
    } catch (err) {
      this.rollback(txn);
      throw err;
    }
    if (dryRun) this.rollback(txn);
  }

  private assignClusterIP(svc: Service, old: Service | undefined, txn: Resource[]): void {
    if (!needsClusterIP(svc)) return;
    const spec = specOf(svc);
    if (!isHeadless(svc)) {
      const wanted = spec.clusterIPs?.[0] || spec.clusterIP;
      if (!wanted) {
        const ip = this.next(() => this.ips.allocateNext(), 'serviceIP');
        this.hold(`ip:${ip}`, svc, txn, false);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      } else if (!(old && heldIPs(old).includes(wanted))) {
        try {
          this.hold(`ip:${wanted}`, svc, txn, true);
        } catch (err) {
          throw invalid('Service', '', svc.metadata.name ?? '', [fieldError('FieldValueInvalid', 'spec.clusterIPs', `${goStrings(spec.clusterIPs)}: failed to allocate IP ${wanted}: ${(err as Error).message}`)]);
        }
      }
    }
    spec.ipFamilies = spec.ipFamilies?.length ? spec.ipFamilies : ['IPv4'];
    // kube: a headless Service without a selector may take every family the cluster has.
    spec.ipFamilyPolicy ||= isHeadless(svc) && !Object.keys(spec.selector ?? {}).length ? 'RequireDualStack' : 'SingleStack';
  }

  /** kube's initNodePorts / updateNodePorts: ports with the same number share one node port. */
  private assignNodePorts(svc: Service, old: Service | undefined, txn: Resource[]): void {
    const spec = specOf(svc);
    const mine = new Set(old ? heldNodePorts(old) : []);
    const request = (port: number, field: string) => {
      if (mine.has(port) || txn.includes(`port:${port}`)) return;
      try {
        this.hold(`port:${port}`, svc, txn, true);
      } catch (err) {
        throw invalid('Service', '', svc.metadata.name ?? '', [fieldError('FieldValueInvalid', field, `${port}: ${(err as Error).message}`)]);
      }
    };
    if (needsNodePorts(svc)) {
      const byServicePort = new Map<number, number>();
      (spec.ports ?? []).forEach((p, i) => {
        const field = `spec.ports[${i}].nodePort`;
        const shared = byServicePort.get(p.port);
        if (p.nodePort) request(p.nodePort, field);
        else if (shared) p.nodePort = shared;
        else {
          const requested = spec.ports!.slice(i + 1).find((q) => q.port === p.port && q.nodePort)?.nodePort;
          if (requested) {
            request(requested, field);
            p.nodePort = requested;
          } else {
            p.nodePort = this.next(() => this.ports.allocateNext(), 'nodePort');
            this.hold(`port:${p.nodePort}`, svc, txn, false);
          }
        }
        if (!byServicePort.has(p.port)) byServicePort.set(p.port, p.nodePort);
      });
    }
    if (needsHealthCheckNodePort(svc)) {
      if (spec.healthCheckNodePort) request(spec.healthCheckNodePort, 'spec.healthCheckNodePort');
      else {
        spec.healthCheckNodePort = this.next(() => this.ports.allocateNext(), 'healthCheck nodePort');
        this.hold(`port:${spec.healthCheckNodePort}`, svc, txn, false);
      }
    }
  }

  /** Reserves a resource as in flight; `byValue` allocates it in the bitmap first (which may throw). */
  private hold(r: Resource, svc: Service, txn: Resource[], byValue: boolean): void {
    if (byValue) {
      if (r.startsWith('ip:')) this.ips.allocate(r.slice(3));
      else this.ports.allocate(Number(r.slice(5)));
    }
    this.pending.set(r, { uid: svc.metadata.uid ?? '', baseRv: this.baseRv, at: this.opts.now() });
    txn.push(r);
  }

  private next<T>(allocate: () => T, what: string): T {
    try {
      return allocate();
    } catch (err) {
      if (err instanceof RangeFullError) throw internalError(`failed to allocate a ${what}: ${err.message}`);
      throw err;
    }
  }

  private rollback(txn: Resource[]): void {
    for (const r of txn) {
      this.pending.delete(r);
      this.unmark(r);
    }
  }

  private unmark(r: Resource): void {
    if (r.startsWith('ip:')) this.ips.release(r.slice(3));
    else this.ports.release(Number(r.slice(5)));
  }

  private mark(r: Resource): void {
    try {
      if (r.startsWith('ip:')) this.ips.allocate(r.slice(3));
      else this.ports.allocate(Number(r.slice(5)));
    } catch {
      // Out of the configured range (the range changed) or held twice: nothing to mark.
    }
  }
}
