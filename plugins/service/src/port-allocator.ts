import { RangeAllocator, type RangeAllocatorOptions, staticBandSize } from './range-allocator.js';

/** kube's portallocator errors. */
export class PortNotInRangeError extends Error {
  override readonly name = 'PortNotInRangeError';
  constructor(range: string) {
    super(`provided port is not in the valid range. The range of valid ports is ${range}`);
  }
}

export class PortAllocatedError extends Error {
  override readonly name = 'PortAllocatedError';
  constructor() {
    super('provided port is already allocated');
  }
}

/** Parses a port range "30000-32767" (or a single port "30000"). */
export function parsePortRange(range: string): { base: number; size: number } {
  const m = /^(\d+)(?:-(\d+))?$/.exec(range.trim());
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw new Error(`invalid node port range ${JSON.stringify(range)}: expected "low-high" within 1-65535, such as 30000-32767`);
  return { base: lo, size: hi - lo + 1 };
}

/** Node ports from a range such as 30000-32767 (kube's portallocator.PortAllocator). */
export class PortAllocator {
  readonly range: string;
  private readonly base: number;
  private readonly bitmap: RangeAllocator;

  constructor(range: string, opts: Pick<RangeAllocatorOptions, 'random'> = {}) {
    const r = parsePortRange(range);
    this.base = r.base;
    this.range = `${r.base}-${r.base + r.size - 1}`;
    this.bitmap = new RangeAllocator(r.size, staticBandSize(r.size, 128), opts);
  }

  get size(): number {
    return this.bitmap.size;
  }

  get allocated(): number {
    return this.bitmap.allocated;
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.base && port < this.base + this.bitmap.size;
  }

  /** Allocates this port: PortNotInRangeError, PortAllocatedError. */
  allocate(port: number): void {
    if (!this.contains(port)) throw new PortNotInRangeError(this.range);
    if (!this.bitmap.allocate(port - this.base)) throw new PortAllocatedError();
  }

  /** Any free port: RangeFullError when none is left. */
  allocateNext(): number {
    return this.base + this.bitmap.allocateNext();
  }

  release(port: number): void {
    if (this.contains(port)) this.bitmap.release(port - this.base);
  }

  has(port: number): boolean {
    return this.contains(port) && this.bitmap.has(port - this.base);
  }

  reset(): void {
    this.bitmap.reset();
  }
}
