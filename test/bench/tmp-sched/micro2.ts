import { makeNode, makePod, NodeInfo, Snapshot } from '@keelson/scheduler';
import { podTerms, termMatches, TopologyCounts } from '@keelson/plugin-scheduler-inter-pod-affinity';
const anti = (i: number, ns: string) => makePod(`p${i}`, { ns, labels: { color: 'green', name: 'test' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['sched-1', 'sched-0'] }] } } } });
const infos: NodeInfo[] = [];
for (let i = 0; i < 5000; i++) { const ni = new NodeInfo(); ni.setNode(makeNode(`n${i}`)); if (i < 3000) ni.addPod(anti(i, 'sched-0')); infos.push(ni); }
const snap = Snapshot.of(infos);
const all = snap.list(); const withAnti = snap.havePodsWithRequiredAntiAffinityList();
const inc = anti(99999, 'sched-1');
function time(label: string, f: () => void) { f(); const t = performance.now(); for (let k = 0; k < 300; k++) f(); console.log(label, ((performance.now() - t) / 300).toFixed(3), 'ms'); }
time('iterate nodes', () => { let c = 0; for (const ni of all) { const n = ni.node(); if (n?.metadata.labels) c += ni.pods.length; } });
time('iterate anti pods + podTerms', () => { let c = 0; for (const ni of withAnti) for (const pi of ni.podsWithRequiredAntiAffinity) c += podTerms(pi.pod).requiredAntiAffinity.length; });
const t0 = podTerms(withAnti[0]!.podsWithRequiredAntiAffinity[0]!.pod).requiredAntiAffinity[0]!;
time('termMatches x3000', () => { let c = 0; for (let i = 0; i < 3000; i++) if (termMatches(t0, inc, undefined)) c++; });
time('counts add x3000', () => { const m = new TopologyCounts(); for (let i = 0; i < 3000; i++) m.add('kubernetes.io/hostname', `n${i}`, 1); });
const names = all.map((n) => n.nodeName());
time('counts add x3000 (no string build)', () => { const m = new TopologyCounts(); for (let i = 0; i < 3000; i++) m.add('kubernetes.io/hostname', names[i]!, 1); });
time('label lookup x3000', () => { let c = 0; for (let i = 0; i < 3000; i++) if (all[i]!.node()!.metadata.labels!['kubernetes.io/hostname']) c++; });
