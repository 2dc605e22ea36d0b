import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { Name, TaintToleration } from './taint-toleration.js';

export * from './taint-toleration.js';

/** The TaintToleration scheduler plugin (Filter, PreScore, Score). */
export default definePlugin({
  name: 'scheduler-taint-toleration',
  schedulerPlugins: [{ name: Name, factory: () => new TaintToleration() }],
});
