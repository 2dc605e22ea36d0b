import { describe, expect, it } from 'vitest';
import { nodeAddressing, PodIPAllocator, subnetInCIDR } from './addresses.js';

describe('addresses', () => {
  it('gives node n 127.1.0.n and 127.244.n.0/24', () => {
    expect(nodeAddressing(1)).toEqual({ internalIP: '127.1.0.1', podCIDR: '127.244.1.0/24' });
    expect(nodeAddressing(300)).toEqual({ internalIP: '127.1.1.44' });
    expect(nodeAddressing(3, { nodeCIDRMaskSize: 20 })).toEqual({ internalIP: '127.1.0.3', podCIDR: '127.244.48.0/20' });
    expect(subnetInCIDR('127.244.0.0/16', 24, 255)).toBe('127.244.255.0/24');
  });

  it('allocates pod IPs from .2, never twice, reusing released ones last', () => {
    const a = new PodIPAllocator('127.244.1.0/29');
    const ips = ['a', 'b', 'c', 'd', 'e'].map((k) => a.allocate(k));
    expect(ips).toEqual(['127.244.1.2', '127.244.1.3', '127.244.1.4', '127.244.1.5', '127.244.1.6']);
    expect(a.allocate('f')).toBeUndefined();
    expect(a.allocate('a')).toBe('127.244.1.2');
    a.release('b');
    expect(a.allocate('g')).toBe('127.244.1.3');
  });
});
