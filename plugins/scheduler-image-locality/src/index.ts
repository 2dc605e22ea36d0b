import { definePlugin } from '@keelson/api';
import '@keelson/scheduler';
import { ImageLocality, Name } from './image-locality.js';

export * from './image-locality.js';

/** The ImageLocality scheduler plugin (Score). */
export default definePlugin({
  name: 'scheduler-image-locality',
  schedulerPlugins: [{ name: Name, factory: (_args, handle) => new ImageLocality(handle) }],
});
