import { definePlugin } from '@keelson/api';
import { disruptionController } from './disruption-controller.js';
import { PodDisruptionBudgetKind } from './pdb-kind.js';
import { stalePodDisruptionController } from './stale-disruption.js';

export { PodDisruptionBudgetKind, pdbColumns, validatePdbSpec } from './pdb-kind.js';
export { disruptionController, podsForBudget, expectedPodCount, buildDisruptedPodMap, countHealthyPods, DELETION_TIMEOUT_MS } from './disruption-controller.js';
export { stalePodDisruptionController, staleDisruption, STALE_POD_DISRUPTION_TIMEOUT_MS } from './stale-disruption.js';
export { expectedScale, NoControllerError, type ControllerAndScale } from './expected-scale.js';

/**
 * policy/v1 PodDisruptionBudget and kube's disruption controller. The pods/eviction subresource
 * (served by the core plugin, as kube serves it from pod storage) honours these budgets.
 */
export default definePlugin({
  name: 'disruption',
  dependsOn: ['core'],
  kinds: [PodDisruptionBudgetKind],
  controllers: [disruptionController, stalePodDisruptionController],
});
