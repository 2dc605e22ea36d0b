/**
 * Scheduler benchmark: kube's scheduler_perf workloads (test/integration/scheduler_perf/config/
 * performance-config.yaml), in process: the real Scheduler (queue, cache, framework, the default
 * cluster's plugins, DefaultBinder) over informers fed by in-memory ListerWatchers, against
 * simulated Nodes (4 cpu, 32Gi, 110 pods, Ready; no kubelet). Pods are created all at once, as
 * scheduler_perf's createPods does; throughput is sampled every second while the measured pods
 * are scheduled (scheduler_perf's throughputCollector) and reported as average, p50 and p99 pods/s.
 *
 * SCHED_BENCH_ONLY=SchedulingBasic/5000Nodes,... runs a subset (e.g. under `node --cpu-prof`).
 */
import { loadavg } from 'node:os';
import type { Node, Pod } from '@keelson/api';
import { type BenchFigure, defineBench, percentile, round } from './lib.js';
import { SchedulerBenchEnv } from './scheduler-env.js';

const pause = { name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } };

/** config/templates/node-default.yaml (allocatable defaulted from capacity, hostname label as a kubelet sets it). */
function node(i: number, labels: Record<string, string> = {}): Node {
  const name = `scheduler-perf-${i}`;
  const capacity = { pods: '110', cpu: '4', memory: '32Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: {},
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

type PodTemplate = (i: number, ns: string) => Pod;
const pod = (prefix: string, extra: { labels?: Record<string, string>; spec?: Partial<NonNullable<Pod['spec']>> } = {}): PodTemplate => (i, ns) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `${prefix}-${i}`, namespace: ns, labels: extra.labels },
  spec: { containers: [structuredClone(pause)], schedulerName: 'default-scheduler', ...extra.spec },
});
/** config/templates/pod-default.yaml */
const podDefault = pod('pod');
/** config/templates/pod-with-pod-anti-affinity.yaml */
const podAntiAffinity = pod('anti-affinity-pod', {
  labels: { color: 'green', name: 'test' },
  spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['sched-1', 'sched-0'] }] } } },
});
/** config/templates/pod-with-topology-spreading.yaml */
const podSpreading = pod('spreading-pod', {
  labels: { foo: 'bar' },
  spec: { topologySpreadConstraints: [{ maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { foo: 'bar' } } }] },
});
/** config/templates/pod-with-node-affinity.yaml */
const podNodeAffinity = pod('node-affinity', {
  spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone1', 'zone2'] }] }] } } } },
});

/** config/templates/pod-low-priority.yaml and pod-high-priority.yaml */
const podLowPriority = pod('low-priority', { spec: { priority: 0, containers: [{ ...structuredClone(pause), resources: { requests: { cpu: '900m', memory: '500Mi' } } }] } });
const podHighPriority = pod('high-priority', { spec: { priority: 10, containers: [{ ...structuredClone(pause), resources: { requests: { cpu: '3000m', memory: '500Mi' } } }] } });

interface Workload {
  name: string;
  /** Checks the placement once every pod is bound (throws when the scheduler got it wrong). */
  check?: (pods: Pod[], nodes: Map<string, Node>) => void;
  nodes: number;
  nodeLabels?: (i: number) => Record<string, string>;
  init: { count: number; template: PodTemplate; ns: string };
  measure: { count: number; template: PodTemplate; ns: string };
  /** kube-scheduler's CI threshold, where there is one. */
  threshold?: number;
  target?: number;
  /** Measured pods preempt initial ones (which are then gone). */
  preemption?: boolean;
}

const zones = ['moon-1', 'moon-2', 'moon-3'];
const workloads: Workload[] = [
  { name: 'SchedulingBasic/500Nodes', nodes: 500, init: { count: 500, template: podDefault, ns: 'sched-0' }, measure: { count: 1000, template: podDefault, ns: 'sched-1' } },
  { name: 'SchedulingBasic/5000Nodes', nodes: 5000, init: { count: 1000, template: podDefault, ns: 'sched-0' }, measure: { count: 10000, template: podDefault, ns: 'sched-1' }, threshold: 680, target: 1000 },
  {
    name: 'SchedulingPodAntiAffinity/5000Nodes',
    check: (pods) => {
      const perNode = new Map<string, number>();
      for (const p of pods) perNode.set(p.spec!.nodeName!, (perNode.get(p.spec!.nodeName!) ?? 0) + 1);
      const crowded = [...perNode].filter(([, n]) => n > 1);
      if (crowded.length) throw new Error(`anti-affinity violated on ${crowded.length} nodes`);
    },
    nodes: 5000, init: { count: 1000, template: podAntiAffinity, ns: 'sched-0' }, measure: { count: 2000, template: podAntiAffinity, ns: 'sched-1' }, threshold: 60, target: 120 },
  {
    name: 'TopologySpreading/5000Nodes',
    check: (pods, nodes) => {
      const perZone = new Map<string, number>(zones.map((z) => [z, 0]));
      for (const p of pods) {
        if (p.metadata.labels?.foo !== 'bar') continue;
        const zone = nodes.get(p.spec!.nodeName!)!.metadata.labels!['topology.kubernetes.io/zone']!;
        perZone.set(zone, perZone.get(zone)! + 1);
      }
      const counts = [...perZone.values()];
      if (Math.max(...counts) - Math.min(...counts) > 5) throw new Error(`maxSkew 5 violated: ${JSON.stringify(Object.fromEntries(perZone))}`);
    },
    nodes: 5000, nodeLabels: (i) => ({ 'topology.kubernetes.io/zone': zones[i % 3]! }), init: { count: 5000, template: podDefault, ns: 'sched-0' }, measure: { count: 5000, template: podSpreading, ns: 'sched-1' }, threshold: 460, target: 500 },
  {
    name: 'PreemptionBasic/500Nodes',
    nodes: 500,
    init: { count: 2000, template: podLowPriority, ns: 'sched-0' },
    measure: { count: 500, template: podHighPriority, ns: 'sched-1' },
    // Victims are gone: only the high-priority pods and the low ones that were spared remain.
    preemption: true,
  },
  { name: 'SchedulingNodeAffinity/5000Nodes', nodes: 5000, nodeLabels: () => ({ 'topology.kubernetes.io/zone': 'zone1' }), init: { count: 1000, template: podNodeAffinity, ns: 'sched-0' }, measure: { count: 5000, template: podNodeAffinity, ns: 'sched-1' } },
];

async function runWorkload(w: Workload): Promise<{ samples: number[]; average: number; seconds: number; cpuSeconds: number; deleted: number }> {
  const env = new SchedulerBenchEnv();
  const nodes = env.source({ apiVersion: 'v1', kind: 'Node' });
  for (let i = 0; i < w.nodes; i++) nodes.add(node(i, w.nodeLabels?.(i)));
  const namespaces = env.source({ apiVersion: 'v1', kind: 'Namespace' });
  for (const ns of ['sched-0', 'sched-1']) namespaces.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await env.start();
  const pods = env.source({ apiVersion: 'v1', kind: 'Pod' });
  try {
    for (let i = 0; i < w.init.count; i++) pods.add(w.init.template(i, w.init.ns));
    await env.waitBound(w.init.count, 300_000);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < w.measure.count; i++) pods.add(w.measure.template(i, w.measure.ns));
    await env.waitBound(w.init.count + w.measure.count, 300_000);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // Every pod bound, and placed as its constraints require.
    const nodeMap = new Map<string, Node>();
    for (let i = 0; i < w.nodes; i++) nodeMap.set(`scheduler-perf-${i}`, nodes.get(`scheduler-perf-${i}`) as Node);
    const all: Pod[] = [];
    for (const { count, template, ns } of w.preemption ? [w.measure] : [w.init, w.measure]) for (let i = 0; i < count; i++) all.push(pods.get(`${ns}/${template(i, ns).metadata.name}`) as Pod);
    if (all.some((p) => !p?.spec?.nodeName || !nodeMap.has(p.spec.nodeName))) throw new Error(`${w.name}: a pod is not bound to a node`);
    w.check?.(all, nodeMap);
    // Pods bound in each full second since the measured pods were created (the scheduling loop
    // keeps the event loop busy, so a timer would not fire on time: count from bind timestamps).
    const samples: number[] = new Array(Math.floor(seconds)).fill(0);
    for (const t of env.boundAt.slice(w.init.count)) {
      const s = Math.floor((t - started) / 1000);
      if (s < samples.length) samples[s]!++;
    }
    return { samples, average: w.measure.count / seconds, seconds, cpuSeconds, deleted: env.deleted };
  } finally {
    await env.stop();
  }
}

export default defineBench({
  name: 'scheduler',
  async run(): Promise<BenchFigure[]> {
    const only = process.env.SCHED_BENCH_ONLY?.split(',');
    const figures: BenchFigure[] = [];
    for (const w of workloads) {
      if (only && !only.includes(w.name)) continue;
      const load = loadavg()[0]!;
      process.stderr.write(`  ${w.name}...\n`);
      const r = await runWorkload(w);
      // Full one-second samples only (scheduler_perf drops the partial last interval too); a run
      // shorter than a second has one sample: its average.
      const full = r.samples.length ? r.samples : [round(r.average, 0)];
      const target = w.target ? `, target ≥ ${w.target}` : '';
      const threshold = w.threshold ? `, kube CI threshold ${w.threshold}` : '';
      const preempted = w.preemption ? `, ${r.deleted} pods preempted` : '';
      const conditions = `${w.nodes} nodes, ${w.init.count} initial + ${w.measure.count} measured pods${preempted}, ${round(r.seconds, 1)} s, load avg ${round(load, 1)} at start`;
      figures.push({ name: `${w.name}: average`, value: round(r.average, 0), unit: 'pods/s', notes: `${conditions}${target}${threshold}` });
      figures.push({ name: `${w.name}: p50`, value: percentile(full, 50), unit: 'pods/s', notes: `${full.length} one-second samples` });
      figures.push({ name: `${w.name}: p99`, value: percentile(full, 99), unit: 'pods/s', notes: 'p99 of the per-second samples (the best seconds)' });
      figures.push({ name: `${w.name}: per CPU second`, value: round(w.measure.count / r.cpuSeconds, 0), unit: 'pods/cpu-s', notes: `measured pods / process CPU time (${round(r.cpuSeconds, 1)} s): what one free core would do` });
    }
    return figures;
  },
});
