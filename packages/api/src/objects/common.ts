/** Shared core/v1 building blocks. */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface LocalObjectReference {
  name?: string;
}

/** Resource name → quantity string ("cpu": "100m", "memory": "64Mi"). */
export type ResourceList = Record<string, string>;

export interface ResourceRequirements {
  limits?: ResourceList;
  requests?: ResourceList;
}

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}
