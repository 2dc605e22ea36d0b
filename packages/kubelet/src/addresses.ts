/**
 * Node and pod addresses inside 127.0.0.0/8 (Linux routes all of it to loopback, so they can be
 * bound with no setup): node InternalIPs from 127.1.0.0/16, one /24 pod CIDR per node from
 * 127.244.0.0/16.
 */

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IPv4 address "${ip}"`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCIDR(cidr: string): { base: number; bits: number } {
  const [ip, b] = cidr.split('/');
  const bits = Number(b);
  if (!ip || !Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`invalid CIDR "${cidr}"`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (ipToInt(ip) & mask) >>> 0, bits };
}

/** The index-th address of a CIDR (index 1 = first after the network address). */
export function addressInCIDR(cidr: string, index: number): string {
  const { base, bits } = parseCIDR(cidr);
  const size = 2 ** (32 - bits);
  if (index < 0 || index >= size) throw new Error(`address #${index} is outside ${cidr}`);
  return intToIp(base + index);
}

/** The index-th subnet of size newBits carved out of cidr (e.g. the 3rd /24 of 127.244.0.0/16). */
export function subnetInCIDR(cidr: string, newBits: number, index: number): string | undefined {
  const { base, bits } = parseCIDR(cidr);
  if (newBits < bits) throw new Error(`/${newBits} does not fit in ${cidr}`);
  const count = 2 ** (newBits - bits);
  if (index < 0 || index >= count) return undefined;
  return `${intToIp(base + index * 2 ** (32 - newBits))}/${newBits}`;
}

export interface NodeAddressing {
  internalIP: string;
  /** Undefined when the cluster CIDR has no room left for this node. */
  podCIDR?: string;
}

export interface AddressingOptions {
  nodeCIDR?: string;
  clusterCIDR?: string;
  /** Size of each node's pod CIDR (default 24). */
  nodeCIDRMaskSize?: number;
}

/** Addresses of the index-th node (1-based): 127.1.0.<index> and 127.244.<index>.0/24 by default. */
export function nodeAddressing(index: number, opts: AddressingOptions = {}): NodeAddressing {
  const internalIP = addressInCIDR(opts.nodeCIDR ?? '127.1.0.0/16', index);
  const podCIDR = subnetInCIDR(opts.clusterCIDR ?? '127.244.0.0/16', opts.nodeCIDRMaskSize ?? 24, index);
  return podCIDR ? { internalIP, podCIDR } : { internalIP };
}

/**
 * Pod IPs out of a node's pod CIDR (host-local IPAM): the network address and the first address
 * (the bridge) are never given, the broadcast address neither; released addresses are reused
 * last (round robin), as host-local does.
 */
export class PodIPAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Map<string, number>();
  private readonly taken = new Set<number>();
  private cursor = 2;

  constructor(readonly cidr: string) {
    const { base, bits } = parseCIDR(cidr);
    this.base = base;
    this.size = 2 ** (32 - bits);
  }

  /** The pod's address (the same one for the same key until released); undefined when full. */
  allocate(key: string): string | undefined {
    const have = this.used.get(key);
    if (have !== undefined) return intToIp(this.base + have);
    const usable = this.size - 3;
    if (usable <= 0 || this.taken.size >= usable) return undefined;
    for (;;) {
      const candidate = this.cursor;
      this.cursor = this.cursor + 1 >= this.size - 1 ? 2 : this.cursor + 1;
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        this.used.set(key, candidate);
        return intToIp(this.base + candidate);
      }
    }
  }

  release(key: string): void {
    const n = this.used.get(key);
    if (n === undefined) return;
    this.used.delete(key);
    this.taken.delete(n);
  }

  get allocated(): number {
    return this.taken.size;
  }
}
