import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { Name, newDefaultBinder } from './default-binder.js';

export * from './default-binder.js';

/** The DefaultBinder scheduler plugin (Bind through pods/binding). */
export default definePlugin({
  name: 'scheduler-default-binder',
  schedulerPlugins: [{ name: Name, factory: newDefaultBinder }],
});
