import { makeNode, makePod, NodeInfo, Snapshot, CycleState } from '@keelson/scheduler';
import { computePreFilterState, computePreScoreState } from '@keelson/plugin-scheduler-inter-pod-affinity';
const anti = (i: number, ns: string) => makePod(`p${i}`, { ns, labels: { color: 'green', name: 'test' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['sched-1', 'sched-0'] }] } } } });
const infos: NodeInfo[] = [];
for (let i = 0; i < 5000; i++) { const ni = new NodeInfo(); ni.setNode(makeNode(`n${i}`)); if (i < 3000) ni.addPod(anti(i, 'sched-0')); infos.push(ni); }
const snap = Snapshot.of(infos);
const lister = snap.nodeInfos();
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  for (let k = 0; k < 200; k++) computePreFilterState(anti(100000 + k, 'sched-1'), lister.list(), lister.havePodsWithRequiredAntiAffinityList(), undefined);
  const a = (performance.now() - t) / 200;
  t = performance.now();
  for (let k = 0; k < 200; k++) computePreScoreState(anti(200000 + k, 'sched-1'), lister, undefined, { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false });
  console.log('prefilter ms', a.toFixed(3), 'prescore ms', ((performance.now() - t) / 200).toFixed(3));
}
