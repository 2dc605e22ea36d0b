import type { KubeObject, ObjectMeta } from '../meta.js';
import type { LocalObjectReference, ObjectReference } from './common.js';

export interface ServiceAccount extends KubeObject {
  apiVersion?: 'v1';
  kind?: 'ServiceAccount';
  metadata: ObjectMeta;
  secrets?: ObjectReference[];
  imagePullSecrets?: LocalObjectReference[];
  automountServiceAccountToken?: boolean;
}
