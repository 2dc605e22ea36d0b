import type { Service } from '@keelson/api';
import { type Cluster, createCluster, FakeClock, MemoryStore, silentLogger } from '@keelson/core';
import corePlugin from '@keelson/plugin-core';
import namespacePlugin from '@keelson/plugin-namespace';
import { afterEach, describe, expect, it } from 'vitest';
import servicePlugin, { PENDING_TIMEOUT_MS, ServiceAllocationsToken, ServiceKind } from './index.js';

const svc = (name: string, spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec });
const web = (name: string, extra: Service['spec'] = {}) => svc(name, { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...extra });

describe('Service', () => {
  let cluster: Cluster;
  const clusters: Cluster[] = [];
  const start = async (opts: { store?: MemoryStore; options?: Record<string, unknown>; clock?: FakeClock } = {}) => {
    cluster = await createCluster({
      plugins: [corePlugin, namespacePlugin, servicePlugin],
      store: opts.store,
      clock: opts.clock ?? new FakeClock(),
      logger: silentLogger,
      pluginOptions: opts.options ? { service: opts.options } : {},
    });
    clusters.push(cluster);
    return cluster;
  };
  afterEach(async () => {
    for (const c of clusters.splice(0)) await c.stop();
  });
  const create = (s: Service) => cluster.client.create(s);
  const services = () => cluster.client.resource<Service>(ServiceKind, 'default');

  it('creates default/kubernetes on the first IP, once', async () => {
    await start();
    const k = await services().get('kubernetes');
    expect(k.metadata.labels).toEqual({ component: 'apiserver', provider: 'kubernetes' });
    expect(k.spec).toMatchObject({
      type: 'ClusterIP',
      clusterIP: '127.96.0.1',
      clusterIPs: ['127.96.0.1'],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
    });
  });

  it("defaults as kube does and allocates a cluster IP", async () => {
    await start();
    const s = await create(svc('a', { ports: [{ port: 80 }] }));
    expect(s.spec).toEqual({
      type: 'ClusterIP',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      clusterIP: s.spec!.clusterIPs![0],
      clusterIPs: [s.spec!.clusterIP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
    expect(s.spec!.clusterIP).toMatch(/^127\.96\.\d+\.\d+$/);
    expect(s.spec!.clusterIP).not.toBe('127.96.0.1');
    expect(s.status).toEqual({ loadBalancer: {} });
    expect(s.metadata.generation).toBeUndefined();
  });

  it('allocates node ports for NodePort and LoadBalancer, defaults their traffic policies', async () => {
    await start();
    const np = await create(web('np', { type: 'NodePort' }));
    expect(np.spec!.externalTrafficPolicy).toBe('Cluster');
    expect(np.spec!.ports![0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(np.spec!.ports![0]!.nodePort).toBeLessThanOrEqual(32767);
    const lb = await create(web('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    expect(lb.spec).toMatchObject({ allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Local' });
    expect(lb.spec!.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(lb.spec!.ports![0]!.nodePort).not.toBe(lb.spec!.healthCheckNodePort);
  });

  it('honours requested values and rejects taken or out-of-range ones with kube messages', async () => {
    await start();
    const a = await create(web('a', { type: 'NodePort', clusterIP: '127.96.5.5', ports: [{ port: 80, nodePort: 30080 }] }));
    expect(a.spec).toMatchObject({ clusterIP: '127.96.5.5', clusterIPs: ['127.96.5.5'], ports: [{ nodePort: 30080 }] });
    await expect(create(web('b', { clusterIP: '127.96.5.5' }))).rejects.toMatchObject({
      code: 422,
      message: 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"127.96.5.5"}: failed to allocate IP 127.96.5.5: provided IP is already allocated',
    });
    await expect(create(web('c', { clusterIP: '10.0.0.1' }))).rejects.toMatchObject({
      code: 422,
      message:
        'Service "c" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: failed to allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is 127.96.0.0/16',
    });
    await expect(create(web('d', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).rejects.toMatchObject({
      code: 422,
      message: 'Service "d" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    });
    await expect(create(web('e', { type: 'NodePort', ports: [{ port: 80, nodePort: 8080 }] }))).rejects.toMatchObject({
      message: 'Service "e" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
    });
    // Nothing leaked from the failed creates: the IP of a rejected Service is still free.
    const f = await create(web('f', { type: 'NodePort', clusterIP: '127.96.6.6', ports: [{ port: 80, nodePort: 30081 }] }));
    expect(f.spec!.clusterIP).toBe('127.96.6.6');
  });

  it('validates the name as a DNS-1035 label only (kube reports one error)', async () => {
    await start();
    const err = await create(web('1web')).catch((e: { message: string }) => e);
    const message = (err as { message: string }).message;
    expect(message).toMatch(/^Service "1web" is invalid: metadata\.name: Invalid value: "1web": a DNS-1035 label must consist of /);
    expect(message.match(/metadata\.name/g)).toHaveLength(1);
  });

  it('headless and ExternalName services get no cluster IP', async () => {
    await start();
    const h = await create(svc('h', { clusterIP: 'None', selector: { app: 'h' } }));
    expect(h.spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    const x = await create(svc('x', { type: 'ExternalName', externalName: 'example.com' }));
    expect(x.spec!.clusterIP).toBeUndefined();
    expect(x.spec!.internalTrafficPolicy).toBeUndefined();
  });

  it('releases the IP and node ports when a Service is deleted or changes type', async () => {
    await start();
    await create(web('a', { type: 'NodePort', clusterIP: '127.96.7.7', ports: [{ port: 80, nodePort: 30100 }] }));
    await services().delete('a');
    const again = await create(web('b', { type: 'NodePort', clusterIP: '127.96.7.7', ports: [{ port: 80, nodePort: 30100 }] }));
    expect(again.spec!.clusterIP).toBe('127.96.7.7');
    // NodePort → ClusterIP: the node port goes away and is free again.
    const b = await services().patch('b', 'merge', { spec: { type: 'ClusterIP' } });
    expect(b.spec!.ports![0]!.nodePort).toBeUndefined();
    expect(b.spec!.externalTrafficPolicy).toBeUndefined();
    expect(b.spec!.clusterIP).toBe('127.96.7.7');
    const c = await create(web('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 30100 }] }));
    expect(c.spec!.ports![0]!.nodePort).toBe(30100);
    // ClusterIP → NodePort allocates one; → ExternalName drops the cluster IP.
    const b2 = await services().patch('b', 'merge', { spec: { type: 'NodePort' } });
    expect(b2.spec!.ports![0]!.nodePort).toBeGreaterThanOrEqual(30000);
    const b3 = await services().patch('b', 'merge', { spec: { type: 'ExternalName', externalName: 'example.com' } });
    expect(b3.spec!.clusterIP).toBeUndefined();
    expect(b3.spec!.ports![0]!.nodePort).toBeUndefined();
    expect((await create(web('d', { clusterIP: '127.96.7.7' }))).spec!.clusterIP).toBe('127.96.7.7');
  });

  it('keeps the cluster IP immutable and carries allocated values over a replace', async () => {
    await start();
    const a = await create(web('a', { type: 'NodePort' }));
    await expect(services().patch('a', 'merge', { spec: { clusterIP: '127.96.9.9', clusterIPs: ['127.96.9.9'] } })).rejects.toMatchObject({
      code: 422,
      message: 'Service "a" is invalid: spec.clusterIPs[0]: Invalid value: []string{"127.96.9.9"}: may not change once set',
    });
    // A PUT without clusterIP or nodePort (kubectl replace of the original manifest) keeps them.
    const replaced = await services().update({ ...web('a', { type: 'NodePort' }), metadata: { ...a.metadata } });
    expect(replaced.spec!.clusterIP).toBe(a.spec!.clusterIP);
    expect(replaced.spec!.ports![0]!.nodePort).toBe(a.spec!.ports![0]!.nodePort);
  });

  it('server-side apply merges ports without protocol into the defaulted ones (protocol defaults to TCP)', async () => {
    await start();
    const config = (ports: { name: string; port: number }[]) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'default' }, spec: { type: 'NodePort', ports } });
    const apply = (ports: { name: string; port: number }[]) => cluster.client.patch<Service>(ServiceKind, 'app', 'apply', config(ports), { namespace: 'default', fieldManager: 'kubectl' });
    const first = await apply([{ name: 'http', port: 80 }]);
    const again = await apply([{ name: 'http', port: 80 }, { name: 'https', port: 443 }]);
    expect(again.spec!.ports!.map((p) => [p.name, p.port, p.protocol])).toEqual([['http', 80, 'TCP'], ['https', 443, 'TCP']]);
    expect(again.spec!.ports![0]!.nodePort).toBe(first.spec!.ports![0]!.nodePort);
    const fields = JSON.stringify(again.metadata.managedFields);
    expect(fields).toContain('k:{\\"port\\":443,\\"protocol\\":\\"TCP\\"}');
    const dropped = await apply([{ name: 'https', port: 443 }]);
    expect(dropped.spec!.ports!.map((p) => p.port)).toEqual([443]);
  });

  it('does not allocate on dry run', async () => {
    await start();
    const dry = await cluster.client.create(web('a', { clusterIP: '127.96.8.8' }), { dryRun: true });
    expect(dry.spec!.clusterIP).toBe('127.96.8.8');
    expect((await create(web('b', { clusterIP: '127.96.8.8' }))).spec!.clusterIP).toBe('127.96.8.8');
  });

  it('exhausts a tiny range with a 500, and frees addresses as Services go', async () => {
    await start({ options: { serviceClusterIPRange: '127.96.0.0/29', serviceNodePortRange: '30000-30001' } });
    for (const n of ['a', 'b', 'c', 'd', 'e']) await create(web(n));
    await expect(create(web('f'))).rejects.toMatchObject({ code: 500, message: 'Internal error occurred: failed to allocate a serviceIP: range is full' });
    await services().delete('c');
    expect((await create(web('f'))).spec!.clusterIP).toMatch(/^127\.96\.0\.[2-6]$/);
    await services().patch('a', 'merge', { spec: { type: 'NodePort' } });
    await services().patch('b', 'merge', { spec: { type: 'NodePort' } });
    await expect(services().patch('d', 'merge', { spec: { type: 'NodePort' } })).rejects.toMatchObject({ code: 500, message: 'Internal error occurred: failed to allocate a nodePort: range is full' });
  });

  it('an allocation whose write failed is freed after a timeout', async () => {
    const clock = new FakeClock();
    await start({ clock, options: { serviceClusterIPRange: '127.96.0.0/30' } });
    const allocations = cluster.get(ServiceAllocationsToken);
    // An in-flight allocation the store never saw (as if the write failed after admission).
    allocations.assign(web('ghost'), undefined, false);
    await expect(create(web('a'))).rejects.toMatchObject({ code: 500 });
    await clock.advance(PENDING_TIMEOUT_MS + 1);
    expect((await create(web('a'))).spec!.clusterIP).toBe('127.96.0.2');
  });

  it('rebuilds from the store after a restart: nothing is allocated twice', async () => {
    const store = new MemoryStore({ clock: new FakeClock() });
    await start({ store, options: { serviceClusterIPRange: '127.96.0.0/29' } });
    const first = [];
    for (const n of ['a', 'b', 'c', 'd']) first.push((await create(web(n, { type: 'NodePort' }))).spec!);
    await cluster.stop();
    await start({ store, options: { serviceClusterIPRange: '127.96.0.0/29' } });
    expect(cluster.get(ServiceAllocationsToken).ips.allocated).toBe(5);
    const e = await create(web('e', { type: 'NodePort' }));
    expect(first.map((s) => s.clusterIP)).not.toContain(e.spec!.clusterIP);
    expect(first.map((s) => s.ports![0]!.nodePort)).not.toContain(e.spec!.ports![0]!.nodePort);
    expect((await services().list()).items).toHaveLength(6); // kubernetes was not created twice
    await expect(create(web('f'))).rejects.toMatchObject({ code: 500 });
  });
});
