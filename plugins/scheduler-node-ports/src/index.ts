import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { Name, NodePorts } from './node-ports.js';

export * from './node-ports.js';

/** The NodePorts scheduler plugin (PreFilter, Filter). */
export default definePlugin({
  name: 'scheduler-node-ports',
  schedulerPlugins: [{ name: Name, factory: () => new NodePorts() }],
});
