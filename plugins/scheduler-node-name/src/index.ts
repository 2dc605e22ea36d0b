import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { Name, NodeName } from './node-name.js';

export { ErrReason, fits, Name, NodeName } from './node-name.js';

/** The NodeName scheduler plugin (Filter). */
export default definePlugin({
  name: 'scheduler-node-name',
  schedulerPlugins: [{ name: Name, factory: () => new NodeName() }],
});
