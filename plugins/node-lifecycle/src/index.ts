import { definePlugin } from '@keelson/api';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { nodeLifecycleController } from './node-lifecycle-controller.js';
import { NodeLifecycleOptionsToken, parseNodeLifecycleOptions } from './options.js';
import { taintEvictionController } from './taint-eviction.js';

export { defaultTolerationSeconds, DEFAULT_TOLERATION_SECONDS } from './default-toleration-seconds.js';
export { NodeLifecycleController, nodeLifecycleController, LABEL_EXCLUDE_DISRUPTION } from './node-lifecycle-controller.js';
export { TaintEvictionController, taintEvictionController } from './taint-eviction.js';
export { observeNodeHealth, getCondition, type NodeHealth, type HealthObservation, type HealthTiming } from './node-health.js';
export { markPodsNotReady } from './mark-pods-not-ready.js';
export { computeZoneState, zoneKey, RateLimitedTimedQueue, TokenBucket, type ZoneState } from './zones.js';
export * from './taints.js';
export { NodeLifecycleOptionsToken, parseNodeLifecycleOptions, NodeLifecycleOptionsError, defaultNodeLifecycleOptions, type NodeLifecycleOptions } from './options.js';

/**
 * Node lifecycle, as kube-controller-manager's node-lifecycle and taint-eviction controllers and
 * kube-apiserver's DefaultTolerationSeconds admission. Options (keelson.yaml): any of
 * NodeLifecycleOptions, e.g. `{ nodeMonitorGracePeriodMs: 40000 }`.
 */
export default definePlugin({
  name: 'node-lifecycle',
  dependsOn: ['core'],
  admission: [defaultTolerationSeconds()],
  provides: [{ token: NodeLifecycleOptionsToken, create: (ctx) => parseNodeLifecycleOptions(ctx.options) }],
  runnables: [nodeLifecycleController({}, (ctx) => ctx.get(NodeLifecycleOptionsToken)), taintEvictionController],
  /** Unknown or malformed options fail the cluster at start, not at the first monitoring pass. */
  setup(ctx) {
    ctx.get(NodeLifecycleOptionsToken);
  },
});
