import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { defaultInterPodAffinityArgs, InterPodAffinity, type InterPodAffinityArgs, Name, namespaceListerFrom } from './inter-pod-affinity.js';

export * from './filtering.js';
export * from './inter-pod-affinity.js';
export * from './scoring.js';
export * from './terms.js';

/** The InterPodAffinity scheduler plugin (PreFilter, Filter, PreScore, Score). */
export default definePlugin({
  name: 'scheduler-inter-pod-affinity',
  schedulerPlugins: [
    {
      name: Name,
      factory: (args: InterPodAffinityArgs, handle) => new InterPodAffinity(handle, args, namespaceListerFrom(handle)),
      defaultArgs: { ...defaultInterPodAffinityArgs },
    },
  ],
});
