import type { Node, Pod } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { admitPod, podRequests } from './admission.js';

const node: Node = {
  metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1', disk: 'ssd' } },
  status: { allocatable: { cpu: '2', memory: '4Gi', pods: '3' } },
};

function pod(name: string, spec: Partial<NonNullable<Pod['spec']>> = {}, cpu?: string): Pod {
  return { metadata: { name, namespace: 'default', uid: name }, spec: { containers: [{ name: 'c', image: 'nginx', ...(cpu ? { resources: { requests: { cpu } } } : {}) }], ...spec } };
}

describe('kubelet admission', () => {
  it('admits what fits', () => {
    expect(admitPod(pod('a', {}, '1'), node, [pod('b', {}, '1')])).toEqual({ admit: true });
  });

  it('rejects insufficient cpu as OutOfcpu with kubelet message', () => {
    const r = admitPod(pod('a', {}, '1500m'), node, [pod('b', {}, '1')]);
    expect(r).toEqual({ admit: false, reason: 'OutOfcpu', message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 1500, used: 1000, capacity: 2000" });
  });

  it('rejects too many pods (OutOfpods)', () => {
    expect(admitPod(pod('d'), node, [pod('a'), pod('b'), pod('c')]).reason).toBe('OutOfpods');
  });

  it('rejects host port conflicts (NodePorts)', () => {
    const withPort = (n: string) => pod(n, { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] }] });
    expect(admitPod(withPort('a'), node, [withPort('b')]).reason).toBe('NodePorts');
  });

  it('rejects node selector / affinity mismatch (NodeAffinity)', () => {
    expect(admitPod(pod('a', { nodeSelector: { disk: 'hdd' } }), node, []).reason).toBe('NodeAffinity');
    expect(admitPod(pod('a', { nodeSelector: { disk: 'ssd' } }), node, []).admit).toBe(true);
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'NotIn' as const, values: ['ssd'] }] }] } } };
    expect(admitPod(pod('a', { affinity }), node, []).reason).toBe('NodeAffinity');
  });

  it('counts init containers as the max, not the sum', () => {
    const p = pod('a', { initContainers: [{ name: 'i', image: 'x', resources: { requests: { cpu: '500m' } } }] }, '200m');
    expect(podRequests(p).get('cpu')).toBe(500);
  });
});
