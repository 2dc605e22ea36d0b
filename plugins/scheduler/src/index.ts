import { definePlugin } from '@keelson/api';
import { PluginRegistry, prioritySortRegistration, SchedulerRegistryToken } from '@keelson/scheduler';
import { importFromCwd, type SchedulerPluginOptions, SchedulerOptionsToken, schedulerRunnable } from './scheduler-runnable.js';

export { currentScheduler, importFromCwd, type SchedulerPluginOptions, SchedulerOptionsToken, schedulerRunnable } from './scheduler-runnable.js';

/**
 * kube-scheduler for a Keelson cluster: the scheduler plugins every loaded keelson plugin
 * contributes (`schedulerPlugins`) make up the registry; profiles come from the plugin's options.
 */
export default definePlugin({
  name: 'scheduler',
  dependsOn: ['core'],
  provides: [
    {
      token: SchedulerRegistryToken,
      create: (ctx) => new PluginRegistry([prioritySortRegistration, ...ctx.contributions('schedulerPlugins')], importFromCwd),
    },
    { token: SchedulerOptionsToken, create: (ctx) => ctx.options as SchedulerPluginOptions },
  ],
  runnables: [schedulerRunnable],
});
