import { isIP } from 'node:net';
import { RangeAllocator, type RangeAllocatorOptions, staticBandSize } from './range-allocator.js';

/** kube's ipallocator errors, worded as kube-apiserver words them. */
export class IPNotInRangeError extends Error {
  override readonly name = 'IPNotInRangeError';
  constructor(ip: string, range: string) {
    super(`the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${range}`);
  }
}

export class IPAllocatedError extends Error {
  override readonly name = 'IPAllocatedError';
  constructor() {
    super('provided IP is already allocated');
  }
}

export function parseIPv4(ip: string): number | undefined {
  if (isIP(ip) !== 4) return undefined;
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface CIDR {
  /** The network address as a number. */
  base: number;
  prefix: number;
  /** Number of addresses, network and broadcast included. */
  size: number;
}

/** Parses an IPv4 CIDR ("127.96.0.0/16"); the address must be the network address. */
export function parseCIDR(cidr: string): CIDR {
  const [addr, bits, ...rest] = cidr.split('/');
  const base = parseIPv4(addr ?? '');
  const prefix = Number(bits);
  if (base === undefined || rest.length || !/^\d+$/.test(bits ?? '') || prefix < 0 || prefix > 30) {
    throw new Error(`invalid service IP range ${JSON.stringify(cidr)}: expected an IPv4 CIDR such as 127.96.0.0/16 (prefix at most /30)`);
  }
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) throw new Error(`invalid service IP range ${JSON.stringify(cidr)}: ${addr} is not the network address of a /${prefix}`);
  return { base, prefix, size };
}

/**
 * Cluster IPs from one IPv4 CIDR (kube's ipallocator.Range): the network and broadcast addresses
 * are never used, and the first address is kept for the `kubernetes` Service (allocated by value).
 */
export class IPAllocator {
  readonly cidr: string;
  private readonly net: CIDR;
  private readonly bitmap: RangeAllocator;

  constructor(cidr: string, opts: Pick<RangeAllocatorOptions, 'random'> = {}) {
    this.net = parseCIDR(cidr);
    this.cidr = `${formatIPv4(this.net.base)}/${this.net.prefix}`;
    // Offsets are from the first usable address (network + 1) to the last before broadcast.
    const usable = this.net.size - 2;
    this.bitmap = new RangeAllocator(usable, staticBandSize(usable, 256), { ...opts, reserved: [0] });
  }

  /** The first usable address: the `kubernetes` Service's. */
  get first(): string {
    return formatIPv4(this.net.base + 1);
  }

  /** Addresses that can be allocated (network and broadcast excluded). */
  get size(): number {
    return this.bitmap.size;
  }

  get allocated(): number {
    return this.bitmap.allocated;
  }

  contains(ip: string): boolean {
    return this.offsetOf(ip) !== undefined;
  }

  /** Allocates this address: IPNotInRangeError, IPAllocatedError. */
  allocate(ip: string): void {
    const offset = this.offsetOf(ip);
    if (offset === undefined) throw new IPNotInRangeError(ip, this.cidr);
    if (!this.bitmap.allocate(offset)) throw new IPAllocatedError();
  }

  /** Any free address (never the first one): RangeFullError when none is left. */
  allocateNext(): string {
    return formatIPv4(this.net.base + 1 + this.bitmap.allocateNext());
  }

  release(ip: string): void {
    const offset = this.offsetOf(ip);
    if (offset !== undefined) this.bitmap.release(offset);
  }

  has(ip: string): boolean {
    const offset = this.offsetOf(ip);
    return offset !== undefined && this.bitmap.has(offset);
  }

  reset(): void {
    this.bitmap.reset();
  }

  private offsetOf(ip: string): number | undefined {
    const n = parseIPv4(ip);
    if (n === undefined) return undefined;
    const offset = n - this.net.base - 1;
    return offset >= 0 && offset < this.bitmap.size ? offset : undefined;
  }
}
