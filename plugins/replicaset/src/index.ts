import { definePlugin, labelSelectorAsSelector, type ReplicaSet, type ReplicationController, selectorFromSet } from '@keelson/api';
import { replicaController, replicaStateProvider, replicaStateToken } from './replica-controller.js';
import type { ReplicaKindAdapter } from './replicated.js';
import { ReplicaSetKind } from './replicaset-kind.js';
import { ReplicationControllerKind } from './replicationcontroller-kind.js';

export { ReplicaSetKind, goLabelSelector, validateSelector } from './replicaset-kind.js';
export { ReplicationControllerKind } from './replicationcontroller-kind.js';
export { apps, replicaCondition, ReplicaSetSchema, ReplicationControllerSchema } from './schemas.js';
export { replicaSetColumns, replicationControllerColumns, formatLabels, templateContainers } from './printers.js';
export { defaultPodTemplate, replicasScale, validatePodTemplate, validateNonNegative, podFromTemplate, newControllerRef, goStringMap } from './template.js';
export { ControllerExpectations, UIDTrackingControllerExpectations, EXPECTATIONS_TIMEOUT_MS, type Expectation } from './expectations.js';
export { compareActivePods, compareRankedPods, rankByRelatedPodsOnSameNode, getPodsToDelete, podDeletionCost, POD_DELETION_COST, type RankedPod } from './ranking.js';
export { slowStartBatch, SLOW_START_INITIAL_BATCH_SIZE } from './slow-start.js';
export { PodControl } from './pod-control.js';
export { claimPods, type ClaimOptions, type ClaimResult } from './claim.js';
export { calculateStatus, updateStatus, getCondition, setCondition, removeCondition, REPLICA_FAILURE, type CalculatedStatus } from './status.js';
export { replicaController, replicaStateProvider, replicaStateToken, syncReplicated, BURST_REPLICAS, type ReplicaControllerState } from './replica-controller.js';
export type { ReplicaKindAdapter, Replicated } from './replicated.js';

/** ReplicaSets select pods with a metav1.LabelSelector. */
export const replicaSetAdapter: ReplicaKindAdapter<ReplicaSet> = {
  kind: ReplicaSetKind,
  name: 'replicaset',
  component: 'replicaset-controller',
  selector: (rs) => labelSelectorAsSelector(rs.spec?.selector),
  stateToken: replicaStateToken('replicaset'),
};

/** ReplicationControllers select pods with a label map. */
export const replicationControllerAdapter: ReplicaKindAdapter<ReplicationController> = {
  kind: ReplicationControllerKind,
  name: 'replicationcontroller',
  component: 'replication-controller',
  selector: (rc) => selectorFromSet(rc.spec?.selector ?? {}),
  stateToken: replicaStateToken('replicationcontroller'),
};

export const replicaSetController = replicaController(replicaSetAdapter);
export const replicationControllerController = replicaController(replicationControllerAdapter);

/** apps/v1 ReplicaSet and core/v1 ReplicationController, with the replica controller for each. */
export default definePlugin({
  name: 'replicaset',
  dependsOn: ['core'],
  kinds: [ReplicaSetKind, ReplicationControllerKind],
  provides: [replicaStateProvider(replicaSetAdapter), replicaStateProvider(replicationControllerAdapter)],
  controllers: [replicaSetController, replicationControllerController],
});
