import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { NodeAffinity, type NodeAffinityArgs, Name } from './node-affinity.js';

export * from './node-affinity.js';

/** The NodeAffinity scheduler plugin (PreFilter, Filter, PreScore, Score). */
export default definePlugin({
  name: 'scheduler-node-affinity',
  schedulerPlugins: [{ name: Name, factory: (args: NodeAffinityArgs) => new NodeAffinity(args), defaultArgs: {} }],
});
