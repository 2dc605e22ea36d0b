import type { QueueSortPlugin } from '../framework/interfaces.js';
import type { SchedulerPluginRegistration } from '../framework/registry.js';
import type { QueuedPodInfo } from '../framework/types.js';

export const PrioritySortName = 'PrioritySort';

/** kube's PrioritySort: higher spec.priority first, then the earlier-queued pod. */
export const prioritySort: QueueSortPlugin = {
  name: PrioritySortName,
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = a.podInfo.pod.spec?.priority ?? 0;
    const pb = b.podInfo.pod.spec?.priority ?? 0;
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  },
};

/** Built into the framework: every profile needs a queue sort. */
export const prioritySortRegistration: SchedulerPluginRegistration = { name: PrioritySortName, factory: () => prioritySort };
