import type { Node, Pod } from '@keelson/api';
import { ActionType, type EnqueueExtensions, type FilterPlugin, type NodeInfo, QueueingHint, Status, tolerationsTolerateTaint } from '@keelson/scheduler';

export const Name = 'NodeUnschedulable';
export const ErrReasonUnschedulable = 'node(s) were unschedulable';
export const ErrReasonUnknownCondition = 'node(s) had unknown conditions';
/** The taint a pod tolerates to land on a cordoned node. */
export const TaintNodeUnschedulable = 'node.kubernetes.io/unschedulable';

/** kube's NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate it. */
export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = Name;

  filter(_state: unknown, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const node = nodeInfo.node();
    if (!node) return Status.unresolvable(ErrReasonUnknownCondition);
    if (!node.spec?.unschedulable) return undefined;
    const tolerated = tolerationsTolerateTaint(pod.spec?.tolerations, { key: TaintNodeUnschedulable, effect: 'NoSchedule' });
    return tolerated ? undefined : Status.unresolvable(ErrReasonUnschedulable);
  }

  eventsToRegister() {
    return [
      {
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint },
        // Only a node that is (now) schedulable can help.
        queueingHintFn: (_pod: Pod, _old: unknown, obj: unknown) => ((obj as Node | undefined)?.spec?.unschedulable ? QueueingHint.Skip : QueueingHint.Queue),
      },
    ];
  }
}
