import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { defaultArgs, Fit, Name, type NodeResourcesFitArgs } from './fit.js';

export * from './fit.js';
export * from './scoring.js';

/** The NodeResourcesFit scheduler plugin (PreFilter, Filter, PreScore, Score). */
export default definePlugin({
  name: 'scheduler-node-resources-fit',
  schedulerPlugins: [{ name: Name, factory: (args: NodeResourcesFitArgs) => new Fit(args), defaultArgs: defaultArgs as Record<string, unknown> }],
});
