import type { Pod } from '@keelson/api';
import { ActionType, type CycleState, type EnqueueExtensions, type FilterPlugin, type HostPortInfo, type NodeInfo, type PreFilterPlugin, Status } from '@keelson/scheduler';

export const Name = 'NodePorts';
/** kube's ErrReason. */
export const ErrReason = "node(s) didn't have free ports for the requested pod ports";
const preFilterStateKey = `PreFilter${Name}`;

export interface HostPort {
  hostIP?: string;
  protocol?: string;
  hostPort: number;
}

/** The host ports of the pod's containers and sidecars (kube's getContainerPorts). */
export function podHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const add = (ports: { hostPort?: number; hostIP?: string; protocol?: string }[] | undefined) => {
    for (const p of ports ?? []) if (p.hostPort && p.hostPort > 0) out.push({ hostIP: p.hostIP, protocol: p.protocol, hostPort: p.hostPort });
  };
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy === 'Always') add(c.ports);
  for (const c of pod.spec?.containers ?? []) add(c.ports);
  return out;
}

/** kube's fitsPorts: no wanted port conflicts with one in use (0.0.0.0 conflicts with every address). */
export function fitsPorts(want: readonly HostPort[], used: HostPortInfo): boolean {
  for (const p of want) if (used.checkConflict(p.hostIP, p.protocol, p.hostPort)) return false;
  return true;
}

/** kube's NodePorts: a node whose host ports the pod wants are taken is filtered out. */
export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = Name;

  preFilter(state: CycleState, pod: Pod): Status | undefined {
    const ports = podHostPorts(pod);
    if (ports.length === 0) return Status.skip();
    state.write(preFilterStateKey, ports);
    return undefined;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const want = state.read<HostPort[]>(preFilterStateKey) ?? podHostPorts(pod);
    return fitsPorts(want, nodeInfo.usedPorts) ? undefined : Status.unschedulable(ErrReason);
  }

  eventsToRegister() {
    return [
      { event: { resource: 'Pod', actionType: ActionType.Delete } },
      { event: { resource: 'Node', actionType: ActionType.Add | ActionType.Update } },
    ];
  }
}
