import type { LabelSelector } from '../labels.js';
import type { Condition, DeleteOptions, KubeObject, ObjectMeta } from '../meta.js';
import type { IntOrString } from '../intstr.js';

/** policy/v1 PodDisruptionBudgetSpec. */
export interface PodDisruptionBudgetSpec {
  minAvailable?: IntOrString;
  maxUnavailable?: IntOrString;
  /** policy/v1: an empty selector selects every pod of the namespace; a missing one selects none. */
  selector?: LabelSelector | null;
  unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

/** policy/v1 PodDisruptionBudgetStatus (written by the disruption controller and the eviction subresource). */
export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  /** Pod name → the time the eviction subresource let it go (metav1.Time). */
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget extends KubeObject {
  apiVersion?: 'policy/v1';
  kind?: 'PodDisruptionBudget';
  metadata: ObjectMeta;
  spec?: PodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

/** policy/v1 (and v1beta1) Eviction: the body of POST pods/NAME/eviction. */
export interface Eviction extends KubeObject {
  apiVersion?: 'policy/v1' | 'policy/v1beta1';
  kind?: 'Eviction';
  metadata: ObjectMeta;
  deleteOptions?: DeleteOptions;
}
