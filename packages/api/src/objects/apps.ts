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

/** apps/v1 RollingUpdateDeployment. */
export interface RollingUpdateDeployment {
  maxUnavailable?: number | string;
  maxSurge?: number | string;
}

/** apps/v1 DeploymentStrategy. */
export interface DeploymentStrategy {
  type?: 'Recreate' | 'RollingUpdate' | (string & {});
  rollingUpdate?: RollingUpdateDeployment;
}

/** apps/v1 DeploymentSpec. */
export interface DeploymentSpec {
  replicas?: number;
  selector: LabelSelector;
  template?: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

export interface DeploymentCondition extends Condition {
  type: 'Available' | 'Progressing' | 'ReplicaFailure' | (string & {});
  lastUpdateTime?: string;
}

/** apps/v1 DeploymentStatus (counts omitted when zero, as kube's JSON). */
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  apiVersion?: 'apps/v1';
  kind?: 'Deployment';
  metadata: ObjectMeta;
  spec?: DeploymentSpec;
  status?: DeploymentStatus;
}
