import type { LabelSelector } from '../labels.js';
import type { Condition, KubeObject, ObjectMeta } from '../meta.js';
import type { PodTemplateSpec } from './pod.js';

/** apps/v1 ReplicaSetSpec. */
export interface ReplicaSetSpec {
  /** Desired pods (defaults to 1). */
  replicas?: number;
  /** Seconds a pod must be ready, without a container crashing, to count as available (0 when absent). */
  minReadySeconds?: number;
  /** Must match the template's labels; immutable in apps/v1. */
  selector: LabelSelector;
  template?: PodTemplateSpec;
}

export type ReplicaSetConditionType = 'ReplicaFailure' | (string & {});

export interface ReplicaSetCondition extends Condition {
  type: ReplicaSetConditionType;
}

/** apps/v1 ReplicaSetStatus (replicas is always present, the other counts only when non-zero). */
export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  /** Pods being deleted (kube's DeploymentReplicaSetTerminatingReplicas, not set by this controller). */
  terminatingReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
}

export interface ReplicaSet extends KubeObject {
  apiVersion?: 'apps/v1';
  kind?: 'ReplicaSet';
  metadata: ObjectMeta;
  spec?: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}
