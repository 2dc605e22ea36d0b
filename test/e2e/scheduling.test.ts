/**
 * Real kubectl (v1.32) against `keelson up` on 127.0.0.1: the default scheduler profile with the
 * node affinity, inter-pod affinity, topology spread and node ports plugins. Nodes are created by
 * hand (Ready, with capacity): there is no node agent, so pods stay Pending on their node.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@keelson/testing';
import { type RunningCluster, up } from 'keelson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'keelson-e2e-sched-'));
let cluster: RunningCluster;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await exec('kubectl', args, { env: { ...process.env, KUBECONFIG: cluster.kubeconfig }, timeout: 20_000 });
  return stdout;
}

async function apply(name: string, yaml: string): Promise<void> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  await kubectl('create', '-f', file);
}

const nodeYaml = (name: string, zone: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: {kubernetes.io/hostname: ${name}, topology.kubernetes.io/zone: ${zone}}
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
  allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
  conditions: [{type: Ready, status: "True", reason: KubeletReady, message: ready}]
`;

const podYaml = (name: string, labels: Record<string, string>, spec: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: sched
  labels: ${JSON.stringify(labels)}
spec:
  containers:
  - name: c
    image: nginx:1.27
${spec}`;

/** Retries the assertions until they pass (10 s). */
const settle = (check: () => Promise<void>) =>
  eventually(async () => {
    await check();
    return true;
  }, 10_000);

const nodeOf = async (pod: string) => (await kubectl('get', 'pod', pod, '-n', 'sched', '-o', 'jsonpath={.spec.nodeName}')).trim();

beforeAll(async () => {
  cluster = await up({ port: 0, store: 'memory', nodes: 0, kubeconfig: join(dir, 'kubeconfig'), logLevel: 'warn', out: () => {} });
  await kubectl('create', 'ns', 'sched');
  for (const [n, z] of [['node-a', 'z1'], ['node-b', 'z1'], ['node-c', 'z2']]) await apply(n!, nodeYaml(n!, z!));
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('scheduling plugins through kubectl', () => {
  it('node affinity: required terms pick the node, unmatched terms leave the pod Pending with kube\'s reason', async () => {
    await apply('aff', podYaml('aff', {}, `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [z2]}]`));
    await settle(async () => expect(await nodeOf('aff')).toBe('node-c'));
    await apply('nowhere', podYaml('nowhere', {}, `  nodeSelector: {disk: ssd}`));
    await settle(async () => {
      const events = await kubectl('get', 'events', '-n', 'sched', '--field-selector', 'involvedObject.name=nowhere,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}');
      expect(events).toContain("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
    });
  });

  it('pod anti-affinity keeps pods of a group on different nodes; the fourth cannot fit', async () => {
    const anti = `  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: solo}}
        topologyKey: kubernetes.io/hostname`;
    for (const n of ['solo-1', 'solo-2', 'solo-3']) await apply(n, podYaml(n, { app: 'solo' }, anti));
    await settle(async () => {
      const nodes = await Promise.all(['solo-1', 'solo-2', 'solo-3'].map(nodeOf));
      expect([...nodes].sort()).toEqual(['node-a', 'node-b', 'node-c']);
    });
    await apply('solo-4', podYaml('solo-4', { app: 'solo' }, anti));
    await settle(async () => {
      const out = await kubectl('describe', 'pod', 'solo-4', '-n', 'sched');
      expect(out).toMatch(/0\/3 nodes are available: 3 node\(s\) didn't match pod anti-affinity rules/);
    });
  });

  it('topology spread (DoNotSchedule, maxSkew 1 over zones) alternates zones', async () => {
    const spread = `  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule
    labelSelector: {matchLabels: {app: spread}}`;
    const zoneOf = { 'node-a': 'z1', 'node-b': 'z1', 'node-c': 'z2' } as Record<string, string>;
    for (let i = 1; i <= 4; i++) {
      await apply(`spread-${i}`, podYaml(`spread-${i}`, { app: 'spread' }, spread));
      await settle(async () => expect(await nodeOf(`spread-${i}`)).not.toBe(''));
    }
    const zones = await Promise.all([1, 2, 3, 4].map(async (i) => zoneOf[await nodeOf(`spread-${i}`)]));
    expect(zones.filter((z) => z === 'z1')).toHaveLength(2);
    expect(zones.filter((z) => z === 'z2')).toHaveLength(2);
  });

  it('host ports: a second pod wanting the same host port on the same node stays Pending with kube\'s reason', async () => {
    const port = (node: string) => `  nodeSelector: {kubernetes.io/hostname: ${node}}
  containers:
  - name: c
    image: nginx:1.27
    ports: [{containerPort: 80, hostPort: 8080}]`;
    const file = (name: string, node: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: sched}
spec:
${port(node)}
`;
    await apply('port-1', file('port-1', 'node-a'));
    await settle(async () => expect(await nodeOf('port-1')).toBe('node-a'));
    await apply('port-2', file('port-2', 'node-a'));
    await settle(async () => {
      const out = await kubectl('describe', 'pod', 'port-2', '-n', 'sched');
      expect(out).toContain("node(s) didn't have free ports for the requested pod ports");
    });
  });
});

describe('priority and preemption through kubectl', () => {
  it('lists the system PriorityClasses and preempts a lower-priority pod, nominating its node', async () => {
    const pcs = await kubectl('get', 'priorityclasses');
    expect(pcs).toMatch(/^system-cluster-critical +2000000000 +false +\S+ +PreemptLowerPriority$/m);
    expect(pcs).toMatch(/^system-node-critical +2000001000 +false +\S+ +PreemptLowerPriority$/m);
    await apply('pc-high', 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n');
    const cpu = (name: string, node: string, requests: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: sched}
spec:
${extra}  nodeSelector: {kubernetes.io/hostname: ${node}}
  containers:
  - name: c
    image: nginx:1.27
    resources: {requests: {cpu: "${requests}"}}
`;
    await apply('low', cpu('low', 'node-b', '3500m'));
    await settle(async () => expect(await nodeOf('low')).toBe('node-b'));
    await apply('urgent', cpu('urgent', 'node-b', '2', '  priorityClassName: high\n'));
    await settle(async () => {
      expect(await kubectl('get', 'pod', 'urgent', '-n', 'sched', '-o', 'jsonpath={.spec.priority} {.status.nominatedNodeName}')).toBe('1000 node-b');
      expect(await kubectl('get', 'pod', 'low', '-n', 'sched', '-o', 'jsonpath={.metadata.deletionTimestamp}')).not.toBe('');
    });
  });

  it('a PodDisruptionBudget steers preemption to another victim, which gets DisruptionTarget before its deletion', async () => {
    for (const n of ['pdb-1', 'pdb-2']) {
      await apply(n, nodeYaml(n, 'z3').replace('labels: {', 'labels: {group: pdb, '));
    }
    await apply('pc-mid', 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: mid}\nvalue: 10\n');
    const cpu = (name: string, node: string, labels: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: sched, labels: ${labels}}
spec:
${extra}  nodeSelector: {kubernetes.io/hostname: ${node}}
  containers:
  - name: c
    image: nginx:1.27
    resources: {requests: {cpu: "3500m"}}
`;
    // The lowest-priority pod (0) is guarded by a budget that allows no disruption; the other (10) is not.
    await apply('guarded', cpu('guarded', 'pdb-1', '{app: guarded}'));
    await apply('spare', cpu('spare', 'pdb-2', '{app: spare}', '  priorityClassName: mid\n'));
    await apply('guarded-pdb', 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: guarded, namespace: sched}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: guarded}}\n');
    await settle(async () => {
      expect(await nodeOf('guarded')).toBe('pdb-1');
      expect(await nodeOf('spare')).toBe('pdb-2');
      expect(await kubectl('get', 'pdb', 'guarded', '-n', 'sched', '-o', 'jsonpath={.status.observedGeneration} {.status.disruptionsAllowed}')).toBe('1 0');
    });
    await apply('urgent-2', `apiVersion: v1
kind: Pod
metadata: {name: urgent-2, namespace: sched}
spec:
  priorityClassName: high
  nodeSelector: {group: pdb}
  containers:
  - name: c
    image: nginx:1.27
    resources: {requests: {cpu: "2"}}
`);
    await settle(async () => {
      expect(await kubectl('get', 'pod', 'urgent-2', '-n', 'sched', '-o', 'jsonpath={.status.nominatedNodeName}')).toBe('pdb-2');
      expect(await kubectl('get', 'pod', 'spare', '-n', 'sched', '-o', 'jsonpath={.metadata.deletionTimestamp}')).not.toBe('');
    });
    expect(await kubectl('get', 'pod', 'guarded', '-n', 'sched', '-o', 'jsonpath={.metadata.deletionTimestamp}')).toBe('');
    const cond = await kubectl('get', 'pod', 'spare', '-n', 'sched', '-o', 'jsonpath={.status.conditions[?(@.type=="DisruptionTarget")].reason} {.status.conditions[?(@.type=="DisruptionTarget")].message}');
    expect(cond).toBe('PreemptionByScheduler default-scheduler: preempting to accommodate a higher priority pod');
    const events = await kubectl('get', 'events', '-n', 'sched', '--field-selector', 'involvedObject.name=spare,reason=Preempted', '-o', 'jsonpath={.items[*].message}');
    expect(events).toMatch(/^Preempted by pod \S+ on node pdb-2$/);
  });
});
