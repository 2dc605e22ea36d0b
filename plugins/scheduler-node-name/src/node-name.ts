import type { Pod } from '@keelson/api';
import { ActionType, type EnqueueExtensions, type FilterPlugin, type NodeInfo, Status } from '@keelson/scheduler';

export const Name = 'NodeName';
export const ErrReason = "node(s) didn't match the requested node name";

/** kube's NodeName: a pod that names a node (spec.nodeName) fits that node only. */
export class NodeName implements FilterPlugin, EnqueueExtensions {
  readonly name = Name;

  filter(_state: unknown, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    if (!nodeInfo.node()) return Status.error(new Error('node not found'));
    return fits(pod, nodeInfo) ? undefined : Status.unresolvable(ErrReason);
  }

  eventsToRegister() {
    return [{ event: { resource: 'Node', actionType: ActionType.Add | ActionType.Update } }];
  }
}

export function fits(pod: Pod, nodeInfo: NodeInfo): boolean {
  const want = pod.spec?.nodeName;
  return !want || want === nodeInfo.nodeName();
}
