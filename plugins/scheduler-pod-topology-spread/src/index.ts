import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { selectorSourcesFrom } from './default-constraints.js';
import { Name, PodTopologySpread, type PodTopologySpreadArgs } from './pod-topology-spread.js';

export * from './common.js';
export * from './default-constraints.js';
export * from './filtering.js';
export * from './pod-topology-spread.js';
export * from './scoring.js';

/** The PodTopologySpread scheduler plugin (PreFilter, Filter, PreScore, Score). */
export default definePlugin({
  name: 'scheduler-pod-topology-spread',
  schedulerPlugins: [
    {
      name: Name,
      factory: async (args: PodTopologySpreadArgs, handle) => new PodTopologySpread(handle, args, await selectorSourcesFrom(handle.client, handle.informers)),
      defaultArgs: {},
    },
  ],
});
