import type { Service } from '@keelson/api';
import { describe, expect, it } from 'vitest';
import { serviceColumns, serviceExternalIP, servicePorts } from './service-columns.js';

const now = Date.parse('2025-01-01T00:00:10Z');
const svc = (spec: Service['spec'], status?: Service['status']): Service => ({ metadata: { name: 's', creationTimestamp: '2025-01-01T00:00:00Z' }, spec, status });
const cells = (s: Service) => serviceColumns.map((c) => c.cell(s, now));

describe('service columns (kube-apiserver printService)', () => {
  it('has kube-apiserver column names, SELECTOR only in wide', () => {
    expect(serviceColumns.map((c) => [c.name, c.priority ?? 0])).toEqual([
      ['Name', 0], ['Type', 0], ['Cluster-IP', 0], ['External-IP', 0], ['Port(s)', 0], ['Age', 0], ['Selector', 1],
    ]);
  });

  it('prints ClusterIP and NodePort services', () => {
    expect(cells(svc({ type: 'ClusterIP', clusterIPs: ['127.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'x', a: 'b' } }))).toEqual([
      's', 'ClusterIP', '127.96.0.10', '<none>', '80/TCP', '10s', 'a=b,app=x',
    ]);
    const np = svc({ type: 'NodePort', clusterIPs: ['127.96.0.11'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }, { port: 53, protocol: 'UDP', nodePort: 30053 }] });
    expect(cells(np)).toEqual(['s', 'NodePort', '127.96.0.11', '<none>', '80:30080/TCP,53:30053/UDP', '10s', '<none>']);
  });

  it('prints headless, ExternalName and LoadBalancer services', () => {
    expect(cells(svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] })).slice(2, 5)).toEqual(['None', '<none>', '<none>']);
    expect(cells(svc({ type: 'ExternalName', externalName: 'example.com', ports: [] })).slice(1, 5)).toEqual(['ExternalName', '<none>', 'example.com', '<none>']);
    expect(serviceExternalIP(svc({ type: 'LoadBalancer' }))).toBe('<pending>');
    expect(serviceExternalIP(svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '127.0.0.5' }] } }))).toBe('127.0.0.5');
    expect(serviceExternalIP(svc({ type: 'LoadBalancer', externalIPs: ['127.0.0.9'] }, { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } }))).toBe('lb.example.com,127.0.0.9');
    expect(serviceExternalIP(svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ hostname: 'a-very-long-load-balancer.example.com' }] } }))).toBe('a-very-long-l...');
    expect(serviceExternalIP(svc({ type: 'NodePort', externalIPs: ['127.0.0.7', '127.0.0.8'] }))).toBe('127.0.0.7,127.0.0.8');
    expect(servicePorts([])).toBe('<none>');
  });
});
