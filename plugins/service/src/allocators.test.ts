import { describe, expect, it } from 'vitest';
import { IPAllocator, formatIPv4, parseCIDR, parseIPv4 } from './ip-allocator.js';
import { PortAllocator, parsePortRange } from './port-allocator.js';
import { RangeFullError, staticBandSize } from './range-allocator.js';

describe('IPAllocator', () => {
  it('parses and formats IPv4 and CIDRs', () => {
    expect(parseIPv4('127.96.0.1')).toBe(0x7f600001);
    expect(formatIPv4(0x7f600001)).toBe('127.96.0.1');
    expect(parseIPv4('1.2.3')).toBeUndefined();
    expect(parseCIDR('127.96.0.0/16')).toEqual({ base: 0x7f600000, prefix: 16, size: 65536 });
    expect(() => parseCIDR('127.96.0.1/16')).toThrow(/not the network address/);
    expect(() => parseCIDR('fd00::/108')).toThrow(/IPv4 CIDR/);
  });

  it('never hands out the network, broadcast or first address; the first is allocatable by value', () => {
    const a = new IPAllocator('127.96.0.0/29'); // .1 - .6 usable
    expect(a.size).toBe(6);
    expect(a.first).toBe('127.96.0.1');
    const got = new Set(Array.from({ length: 5 }, () => a.allocateNext()));
    expect([...got].sort()).toEqual(['127.96.0.2', '127.96.0.3', '127.96.0.4', '127.96.0.5', '127.96.0.6']);
    expect(() => a.allocateNext()).toThrow(RangeFullError);
    expect(() => a.allocateNext()).toThrow('range is full');
    a.allocate('127.96.0.1');
    expect(a.allocated).toBe(6);
  });

  it('exhausts a tiny range, then reuses a released address', () => {
    const a = new IPAllocator('127.96.0.0/30'); // .1 .2 usable, .1 reserved
    expect(a.allocateNext()).toBe('127.96.0.2');
    expect(() => a.allocateNext()).toThrow(RangeFullError);
    a.release('127.96.0.2');
    expect(a.has('127.96.0.2')).toBe(false);
    expect(a.allocateNext()).toBe('127.96.0.2');
  });

  it("rejects taken and out-of-range addresses with kube's messages", () => {
    const a = new IPAllocator('127.96.0.0/16');
    a.allocate('127.96.3.4');
    expect(() => a.allocate('127.96.3.4')).toThrow('provided IP is already allocated');
    expect(() => a.allocate('10.0.0.1')).toThrow('the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is 127.96.0.0/16');
    expect(() => a.allocate('127.96.0.0')).toThrow(/not in the valid range/);
    expect(() => a.allocate('127.96.255.255')).toThrow(/not in the valid range/);
  });

  it('prefers addresses above the static band', () => {
    expect(staticBandSize(65534, 256)).toBe(256);
    expect(staticBandSize(6, 256)).toBe(0);
    const a = new IPAllocator('127.96.0.0/16', { random: () => 0 });
    expect(a.allocateNext()).toBe('127.96.1.1'); // offset 256
  });
});

describe('PortAllocator', () => {
  it('parses ranges', () => {
    expect(parsePortRange('30000-32767')).toEqual({ base: 30000, size: 2768 });
    expect(() => parsePortRange('3-1')).toThrow(/invalid node port range/);
  });

  it('allocates, rejects duplicates and out-of-range ports, exhausts and releases', () => {
    const p = new PortAllocator('30000-30002');
    p.allocate(30001);
    expect(() => p.allocate(30001)).toThrow('provided port is already allocated');
    expect(() => p.allocate(8080)).toThrow('provided port is not in the valid range. The range of valid ports is 30000-30002');
    const next = [p.allocateNext(), p.allocateNext()].sort();
    expect(next).toEqual([30000, 30002]);
    expect(() => p.allocateNext()).toThrow(RangeFullError);
    p.release(30000);
    expect(p.allocateNext()).toBe(30000);
  });

  it('uses the whole default range', () => {
    const p = new PortAllocator('30000-32767');
    const seen = new Set<number>();
    for (let i = 0; i < 2768; i++) seen.add(p.allocateNext());
    expect(seen.size).toBe(2768);
    expect(Math.min(...seen)).toBe(30000);
    expect(Math.max(...seen)).toBe(32767);
  });
});
