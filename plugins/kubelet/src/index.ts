import { definePlugin } from '@keelson/api';
import '@keelson/kubelet';
import { kubeletRunnable } from './kubelet-runnable.js';
import { KubeletOptionsToken, validateOptions } from './options.js';
import { RuntimeRegistryToken, runtimeRegistry } from './runtime-registry.js';

export { kubeletRunnable, runningAgents } from './kubelet-runnable.js';
export { KubeletOptionsError, type KubeletPluginOptions, KubeletOptionsToken, validateOptions } from './options.js';
export { RuntimeRegistryToken, runtimeRegistry } from './runtime-registry.js';
export { runNodeAgent, loadRuntime, nodeIndex, type RunNodeAgentOptions } from './run-node-agent.js';

/**
 * In-process node agents: `nodes` simulated nodes (node1, node2, ...) on the cluster's own Client,
 * each running pods through a runtime contributed by another plugin (runtime-sim by default).
 */
export default definePlugin({
  name: 'kubelet',
  dependsOn: ['core'],
  provides: [
    { token: KubeletOptionsToken, create: (ctx) => validateOptions(ctx.options) },
    { token: RuntimeRegistryToken, create: (ctx) => runtimeRegistry(ctx.contributions('runtimes')) },
  ],
  setup(ctx) {
    ctx.get(KubeletOptionsToken);
  },
  runnables: [kubeletRunnable],
});
