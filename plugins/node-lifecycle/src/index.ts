import { definePlugin } from '@keelson/api';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { nodeLifecycleController } from './node-lifecycle-controller.js';
import { taintEvictionController } from './taint-eviction.js';

export { defaultTolerationSeconds, DEFAULT_TOLERATION_SECONDS } from './default-toleration-seconds.js';
export { NodeLifecycleController, nodeLifecycleController, defaultNodeLifecycleOptions, LABEL_EXCLUDE_DISRUPTION, type NodeLifecycleOptions } from './node-lifecycle-controller.js';
export { TaintEvictionController, taintEvictionController } from './taint-eviction.js';
export { observeNodeHealth, getCondition, type NodeHealth, type HealthObservation, type HealthTiming } from './node-health.js';
export { markPodsNotReady } from './mark-pods-not-ready.js';
export { computeZoneState, zoneKey, RateLimitedTimedQueue, TokenBucket, type ZoneState } from './zones.js';
export * from './taints.js';

/**
 * Node lifecycle, as kube-controller-manager's node-lifecycle and taint-eviction controllers and
 * kube-apiserver's DefaultTolerationSeconds admission.
 */
export default definePlugin({
  name: 'node-lifecycle',
  dependsOn: ['core'],
  admission: [defaultTolerationSeconds()],
  runnables: [nodeLifecycleController(), taintEvictionController],
});
