import type { Condition, KubeObject, ObjectMeta } from '../meta.js';
import type { PodTemplateSpec } from './pod.js';

/** core/v1 ReplicationControllerSpec: a ReplicaSet with an equality-only (map) selector. */
export interface ReplicationControllerSpec {
  /** Desired pods (defaults to 1). */
  replicas?: number;
  minReadySeconds?: number;
  /** Label map; defaults to the template's labels. */
  selector?: Record<string, string>;
  template?: PodTemplateSpec;
}

export interface ReplicationControllerCondition extends Condition {
  type: 'ReplicaFailure' | (string & {});
}

export interface ReplicationControllerStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicationControllerCondition[];
}

export interface ReplicationController extends KubeObject {
  apiVersion?: 'v1';
  kind?: 'ReplicationController';
  metadata: ObjectMeta;
  spec?: ReplicationControllerSpec;
  status?: ReplicationControllerStatus;
}
