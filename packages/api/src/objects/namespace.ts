import type { Condition, KubeObject, ObjectMeta } from '../meta.js';

export interface NamespaceStatus {
  phase?: 'Active' | 'Terminating';
  conditions?: Condition[];
}

export interface Namespace extends KubeObject {
  apiVersion?: 'v1';
  kind?: 'Namespace';
  metadata: ObjectMeta;
  spec?: { finalizers?: string[] };
  status?: NamespaceStatus;
}
