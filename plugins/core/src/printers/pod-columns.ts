import { ageSince, type ContainerStatus, type Pod, type PrinterColumn } from '@keelson/api';
import { ageColumn, nameColumn } from './common.js';

function lastRestart(cs: ContainerStatus): string | undefined {
  return cs.lastState?.terminated?.finishedAt ?? undefined;
}

/** READY, STATUS and RESTARTS exactly as kubectl's printPod computes them. */
export function podSummary(pod: Pod, now: number): { ready: string; status: string; restarts: string } {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let restarts = 0;
  let ready = 0;
  let lastRestartDate: string | undefined;
  const later = (t?: string) => {
    if (t && (!lastRestartDate || Date.parse(t) > Date.parse(lastRestartDate))) lastRestartDate = t;
  };
  let reason: string = status.reason || status.phase || '';
  let initializing = false;
  // Sidecars (init containers with restartPolicy Always) count among the containers once started.
  const sidecars = new Set((spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const inits = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount ?? 0;
    if (c.restartCount) later(lastRestart(c));
    if (sidecars.has(c.name) && c.started) {
      if (c.ready) ready++;
      continue;
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${spec.initContainers?.length ?? inits.length}`;
    initializing = true;
    break;
  }
  const initialized = status.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = inits.filter((c) => sidecars.has(c.name)).reduce((n, c) => n + (c.restartCount ?? 0), 0);
    let hasRunning = false;
    const cs = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      restarts += c.restartCount ?? 0;
      if (c.restartCount) later(lastRestart(c));
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  const restartCell = lastRestartDate ? `${restarts} (${ageSince(lastRestartDate, now)} ago)` : String(restarts);
  return { ready: `${ready}/${spec.containers.length + sidecars.size}`, status: reason, restarts: restartCell };
}

const none = (v: string | undefined) => (v ? v : '<none>');

export const podColumns: PrinterColumn<Pod>[] = [
  nameColumn<Pod>(),
  { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.', cell: (p, now) => podSummary(p, now).ready },
  { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', cell: (p, now) => podSummary(p, now).status },
  { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', cell: (p, now) => podSummary(p, now).restarts },
  ageColumn<Pod>(),
  { name: 'IP', type: 'string', priority: 1, description: 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', cell: (p) => none(p.status?.podIP) },
  { name: 'Node', type: 'string', priority: 1, description: "Name of the node this pod is scheduled onto.", cell: (p) => none(p.spec?.nodeName) },
  { name: 'Nominated Node', type: 'string', priority: 1, description: 'nominatedNodeName is set only when this pod preempts other pods on the node.', cell: (p) => none(p.status?.nominatedNodeName) },
  {
    name: 'Readiness Gates',
    type: 'string',
    priority: 1,
    description: 'If specified, all readiness gates will be evaluated for pod readiness.',
    cell: (p) => {
      const gates = p.spec?.readinessGates ?? [];
      if (!gates.length) return '<none>';
      const ok = gates.filter((g) => p.status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True')).length;
      return `${ok}/${gates.length}`;
    },
  },
];
