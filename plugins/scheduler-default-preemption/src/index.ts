import { definePlugin } from '@keelson/api';
import { ClientToken } from '@keelson/core';
import '@keelson/scheduler';
import { DefaultPreemption, Name } from './preemption.js';
import { ensureSystemPriorityClasses, priorityAdmission } from './priority-admission.js';
import { PriorityClassKind } from './priority-class.js';

export * from './preemption.js';
export * from './priority-admission.js';
export * from './priority-class.js';

/**
 * kube's DefaultPreemption scheduler plugin, with what it needs from the API: the
 * scheduling.k8s.io/v1 PriorityClass kind (and the system-node-critical / system-cluster-critical
 * classes) and the Priority admission that sets a new pod's spec.priority from its class.
 */
export default definePlugin({
  name: 'scheduler-default-preemption',
  dependsOn: ['core'],
  kinds: [PriorityClassKind],
  admission: [priorityAdmission()],
  async setup(ctx) {
    await ensureSystemPriorityClasses(ctx.get(ClientToken));
  },
  schedulerPlugins: [{ name: Name, factory: (_args, handle) => new DefaultPreemption(handle) }],
});
