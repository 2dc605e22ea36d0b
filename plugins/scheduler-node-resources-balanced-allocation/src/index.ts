import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { BalancedAllocation, type BalancedAllocationArgs, defaultBalancedAllocationArgs, Name } from './balanced-allocation.js';

export * from './balanced-allocation.js';

/** The NodeResourcesBalancedAllocation scheduler plugin (PreScore, Score). */
export default definePlugin({
  name: 'scheduler-node-resources-balanced-allocation',
  schedulerPlugins: [{ name: Name, factory: (args: BalancedAllocationArgs) => new BalancedAllocation(args), defaultArgs: { ...defaultBalancedAllocationArgs } }],
});
