/**
 * Real kubectl (v1.32, /usr/bin/kubectl) against `keelson up` (default plugins, service among
 * them): creating, exposing, printing, describing and deleting Services, cluster IPs from
 * 127.96.0.0/16 and node ports from 30000-32767, and cluster-info.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-svc-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 20_000 });
  return stdout;
}

async function kubectlFails(...args: string[]): Promise<string> {
  try {
    await kubectl(...args);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  throw new Error(`kubectl ${args.join(' ')} succeeded`);
}

const jsonpath = (kind: string, name: string, path: string) => kubectl('get', kind, name, '-o', `jsonpath=${path}`);
const ip = '127\\.96\\.\\d+\\.\\d+';

beforeAll(async () => {
  cluster = await up({ port: 0, store: 'memory', kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubectl and Services', () => {
  it('serves services (svc) and has default/kubernetes on the first IP', async () => {
    expect(await kubectl('api-resources')).toMatch(/^services +svc +v1 +true +Service$/m);
    expect(await kubectl('get', 'svc', 'kubernetes')).toMatch(/^kubernetes +ClusterIP +127\.96\.0\.1 +<none> +443\/TCP +\d+s$/m);
    expect(await jsonpath('svc', 'kubernetes', '{.spec.ports[0].name} {.spec.ports[0].targetPort} {.metadata.labels.component}')).toBe('https 6443 apiserver');
  });

  it('kubectl cluster-info', async () => {
    const out = await kubectl('cluster-info');
    expect(out).toContain(`Kubernetes control plane is running at ${cluster.url}`);
    expect(out).toContain("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
  });

  it('creates ClusterIP and NodePort services and prints them as kube-apiserver does', async () => {
    expect(await kubectl('create', 'service', 'clusterip', 'x', '--tcp=80:8080')).toBe('service/x created\n');
    expect(await kubectl('create', 'service', 'nodeport', 'y', '--tcp=80:8080')).toBe('service/y created\n');
    const out = await kubectl('get', 'svc');
    expect(out).toMatch(/^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE$/m);
    expect(out).toMatch(new RegExp(`^x +ClusterIP +${ip} +<none> +80/TCP +\\d+s$`, 'm'));
    expect(out).toMatch(new RegExp(`^y +NodePort +${ip} +<none> +80:3\\d{4}/TCP +\\d+s$`, 'm'));
    const nodePort = Number(await jsonpath('svc', 'y', '{.spec.ports[0].nodePort}'));
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    const wide = await kubectl('get', 'svc', '-o', 'wide');
    expect(wide).toMatch(/^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE +SELECTOR$/m);
    expect(wide).toMatch(new RegExp(`^x +ClusterIP +${ip} +<none> +80/TCP +\\d+s +app=x$`, 'm'));
    expect(wide).toMatch(/^kubernetes +ClusterIP +127\.96\.0\.1 +<none> +443\/TCP +\d+s +<none>$/m);
    const spec = JSON.parse(await kubectl('get', 'svc', 'x', '-o', 'json')).spec;
    expect(spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' });
    expect(spec.ports).toEqual([{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);
  });

  it('describes a service', async () => {
    const clusterIP = await jsonpath('svc', 'x', '{.spec.clusterIP}');
    const out = await kubectl('describe', 'svc', 'x');
    for (const line of [
      'Name:                     x',
      'Namespace:                default',
      'Labels:                   app=x',
      'Selector:                 app=x',
      'Type:                     ClusterIP',
      'IP Family Policy:         SingleStack',
      'IP Families:              IPv4',
      `IP:                       ${clusterIP}`,
      `IPs:                      ${clusterIP}`,
      'Port:                     80-8080  80/TCP',
      'TargetPort:               8080/TCP',
      'Endpoints:                <none>',
      'Session Affinity:         None',
      'Internal Traffic Policy:  Cluster',
      'Events:                   <none>',
    ]) {
      expect(out).toContain(line);
    }
    const np = await kubectl('describe', 'svc', 'y');
    expect(np).toMatch(/^NodePort: +80-8080 +3\d{4}\/TCP$/m);
    expect(np).toContain('External Traffic Policy:  Cluster');
  });

  it('exposes a pod made by kubectl run', async () => {
    expect(await kubectl('run', 'web', '--image=nginx', '--port=80')).toBe('pod/web created\n');
    expect(await kubectl('expose', 'pod', 'web', '--port=8080', '--target-port=80')).toBe('service/web exposed\n');
    expect(await kubectl('expose', 'pod', 'web', '--name=web-np', '--type=NodePort', '--port=80')).toBe('service/web-np exposed\n');
    const wide = await kubectl('get', 'svc', '-o', 'wide');
    expect(wide).toMatch(new RegExp(`^web +ClusterIP +${ip} +<none> +8080/TCP +\\d+s +run=web$`, 'm'));
    expect(wide).toMatch(new RegExp(`^web-np +NodePort +${ip} +<none> +80:3\\d{4}/TCP +\\d+s +run=web$`, 'm'));
    expect(await jsonpath('svc', 'web', '{.spec.ports[0].targetPort}')).toBe('80');
  });

  it('headless, ExternalName and LoadBalancer services', async () => {
    await kubectl('create', 'service', 'clusterip', 'h', '--clusterip=None');
    await kubectl('create', 'service', 'externalname', 'ext', '--external-name=example.com');
    await kubectl('create', 'service', 'loadbalancer', 'lb', '--tcp=443:8443');
    const out = await kubectl('get', 'svc', 'h', 'ext', 'lb');
    expect(out).toMatch(/^h +ClusterIP +None +<none> +<none> +\d+s$/m);
    expect(out).toMatch(/^ext +ExternalName +<none> +example\.com +<none> +\d+s$/m);
    expect(out).toMatch(new RegExp(`^lb +LoadBalancer +${ip} +<pending> +443:3\\d{4}/TCP +\\d+s$`, 'm'));
  });

  it('rejects a node port in use and a cluster IP in use with 422', async () => {
    expect(await kubectl('create', 'service', 'nodeport', 'z', '--tcp=80:8080', '--node-port=30080')).toBe('service/z created\n');
    expect(await kubectlFails('create', 'service', 'nodeport', 'z2', '--tcp=80:8080', '--node-port=30080')).toContain(
      'Service "z2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    const taken = await jsonpath('svc', 'x', '{.spec.clusterIP}');
    expect(await kubectlFails('create', 'service', 'clusterip', 'x2', '--tcp=80', `--clusterip=${taken}`)).toContain(
      `Service "x2" is invalid: spec.clusterIPs: Invalid value: []string{"${taken}"}: failed to allocate IP ${taken}: provided IP is already allocated`,
    );
    expect(await kubectlFails('create', 'service', 'clusterip', 'x3', '--tcp=80', '--clusterip=10.0.0.10')).toContain(
      'failed to allocate IP 10.0.0.10: the provided IP (10.0.0.10) is not in the valid range. The range of valid IPs is 127.96.0.0/16',
    );
    expect(await kubectlFails('patch', 'svc', 'x', '-p', '{"spec":{"clusterIP":"127.96.200.200","clusterIPs":["127.96.200.200"]}}')).toContain(
      'spec.clusterIPs[0]: Invalid value: []string{"127.96.200.200"}: may not change once set',
    );
  });

  it('deleting a service releases its cluster IP and node port', async () => {
    const clusterIP = await jsonpath('svc', 'x', '{.spec.clusterIP}');
    expect(await kubectl('delete', 'svc', 'x', 'z')).toBe('service "x" deleted\nservice "z" deleted\n');
    expect(await kubectl('create', 'service', 'clusterip', 'again', '--tcp=80:8080', `--clusterip=${clusterIP}`)).toBe('service/again created\n');
    expect(await jsonpath('svc', 'again', '{.spec.clusterIP}')).toBe(clusterIP);
    expect(await kubectl('create', 'service', 'nodeport', 'again-np', '--tcp=80:8080', '--node-port=30080')).toBe('service/again-np created\n');
    expect(await kubectl('get', 'svc', 'again-np')).toMatch(/^again-np +NodePort +\S+ +<none> +80:30080\/TCP +\d+s$/m);
  });

  it('changing the type releases node ports (kubectl patch)', async () => {
    expect(await kubectl('patch', 'svc', 'again-np', '-p', '{"spec":{"type":"ClusterIP"}}')).toBe('service/again-np patched\n');
    expect(await kubectl('get', 'svc', 'again-np')).toMatch(/^again-np +ClusterIP +\S+ +<none> +80\/TCP +\d+s$/m);
    expect(await kubectl('create', 'service', 'nodeport', 'reuse', '--tcp=80:8080', '--node-port=30080')).toBe('service/reuse created\n');
  });
});
