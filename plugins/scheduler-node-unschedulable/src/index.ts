import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { Name, NodeUnschedulable } from './node-unschedulable.js';

export * from './node-unschedulable.js';

/** The NodeUnschedulable scheduler plugin (Filter): cordoned nodes are skipped. */
export default definePlugin({
  name: 'scheduler-node-unschedulable',
  schedulerPlugins: [{ name: Name, factory: () => new NodeUnschedulable() }],
});
