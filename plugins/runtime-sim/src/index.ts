import { definePlugin } from '@keelson/api';
import { defineRuntime } from '@keelson/kubelet';
import { SimRuntime } from './sim-runtime.js';

export { SimRuntime, SimAnnotationPrefix } from './sim-runtime.js';
export { resolveProfile, type SimProfile, type SimProfileOptions } from './profile.js';
export { parseDuration, parseHook, parseScript, scriptAt } from './script.js';

/** The simulated runtime ("sim"): containers that run without processes, scripted by annotations. */
export const simRuntime = defineRuntime({ name: 'sim', factory: (ctx) => new SimRuntime(ctx) });

export default definePlugin({
  name: 'runtime-sim',
  runtimes: [simRuntime],
});
