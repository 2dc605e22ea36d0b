import type { FieldError } from './errors.js';
import type { DeleteOptions, GroupVersionKind, KubeObject, Status } from './meta.js';

/** An OpenAPI v3 schema (structural, as in a CRD's openAPIV3Schema), with Kubernetes extensions. */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  /** Strategic merge patch: the field that identifies list items ("name", "containerPort"). */
  'x-kubernetes-patch-merge-key'?: string;
  /** Strategic merge patch: "merge", "replace", "retainKeys", or "merge,retainKeys". */
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  [extension: `x-${string}`]: unknown;
}

/** One column of the server-side Table (meta/v1 TableColumnDefinition + how to compute the cell). */
export interface PrinterColumn<T extends KubeObject = KubeObject> {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0 = always shown; 1 = shown by `-o wide`. */
  priority?: number;
  /** The cell value; `now` is the Clock's current time in ms, for ages. */
  cell(obj: T, now: number): string | number | boolean | null;
}

export interface ScaleSubresource {
  /** JSON path of the desired replicas, e.g. ".spec.replicas". */
  specReplicasPath: string;
  /** JSON path of the observed replicas, e.g. ".status.replicas". */
  statusReplicasPath: string;
  /**
   * JSON path of the label selector: a string (".status.selector" of custom resources), or a
   * metav1.LabelSelector or label map (".spec.selector"), which the Scale prints in string form.
   */
  labelSelectorPath?: string;
}

/**
 * Services a POST subresource handler may use (`handle`); @keelson/core adds `client`, the
 * cluster's client, by module augmentation (the API package knows no runtime).
 */
export interface SubresourceServices {}

/** One POST on a subresource, as a `handle` handler sees it. */
export interface PostSubresourceCall {
  /** The parent object's name (from the URL). */
  name: string;
  namespace?: string;
  /** The posted body (already checked to be an object with metadata). */
  body: KubeObject;
  /** dryRun=All on the request. */
  dryRun: boolean;
  fieldManager?: string;
  /** The Clock's current time in ms. */
  now: number;
  services: SubresourceServices;
}

/**
 * A subresource written with POST (pods/binding, pods/eviction): the body is another kind and the
 * change lands on the parent object. The server answers 201 with a Success Status.
 */
export interface PostSubresource<T extends KubeObject = KubeObject> {
  /** The kind of the posted body, e.g. core/v1 Binding. */
  requestKind: GroupVersionKind;
  /**
   * Computes the stored object from the current one and the posted body; throw an ApiError to refuse
   * (e.g. 409 Conflict). Runs inside a compare-and-swap loop, so it may run more than once and must
   * not have side effects. The kind's own validate() does not run on the result (the subresource
   * validates what it changes); metadata checks and admission do.
   */
  apply?(current: T, body: KubeObject, ctx: { name: string; now: number }): T;
  /**
   * Or: handles the POST itself with the cluster's services (pods/eviction reads disruption
   * budgets and deletes the pod, as kube's EvictionREST). Returns the Status to answer (a Success
   * Status by default); throw an ApiError to refuse. Exactly one of apply and handle is given.
   */
  handle?(call: PostSubresourceCall): Promise<Status | void>;
}

/**
 * Services a GET subresource handler may use; @keelson/core adds `client` and `nodes` (the node
 * agents' connections) by module augmentation.
 */
export interface GetSubresourceServices {}

/** One GET on a subresource that answers a stream (pods/log), as its `handle` sees it. */
export interface GetSubresourceCall {
  /** The parent object's name (from the URL). */
  name: string;
  namespace?: string;
  /** The query parameters (the first value of each, as kube's parameter codec reads them). */
  query: Readonly<Record<string, string>>;
  /** The Clock's current time in ms. */
  now: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  services: GetSubresourceServices;
}

/** What a GET subresource answers: a body streamed (chunked) as it comes. */
export interface SubresourceStream {
  /** e.g. "text/plain". */
  contentType: string;
  body: AsyncIterable<string | Uint8Array>;
  /** Send the headers before the first chunk (a followed log may stay silent for long). */
  flush?: boolean;
}

/**
 * A subresource read with GET whose answer is not an object but a stream (kube's rest.Getter
 * returning a ResourceStreamer: pods/log). Throw an ApiError to refuse before anything is sent.
 */
export interface GetSubresource {
  /** The kind discovery names for it (core/v1 Pod for pods/log). */
  responseKind: GroupVersionKind;
  handle(call: GetSubresourceCall): Promise<SubresourceStream>;
}

/**
 * Everything the control plane needs to serve one kind: its name in the API, its schema,
 * defaulting, validation, printing, selectable fields and subresources.
 */
export interface KindDefinition<T extends KubeObject = KubeObject> {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural resource name: "deployments". */
  plural: string;
  /** Lower-case singular: "deployment" (defaults to kind lower-cased). */
  singular?: string;
  shortNames?: string[];
  categories?: string[];
  namespaced: boolean;
  /** The list kind, "DeploymentList" by default. */
  listKind?: string;
  /** Verbs served ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"); all by default. */
  verbs?: string[];
  schema?: JSONSchemaProps;
  /**
   * Whether metadata.generation is kept (1 at creation, +1 on each spec change), as for
   * Deployments and custom resources (the default). Kubernetes' Pods, ConfigMaps, Nodes, ... have none: false.
   */
  tracksGeneration?: boolean;
  subresources?: {
    status?: boolean;
    scale?: ScaleSubresource;
    /** Subresources served by POST, by name ("binding"). */
    post?: Record<string, PostSubresource<T>>;
    /** Subresources read with GET that answer a stream, by name ("log"). */
    get?: Record<string, GetSubresource>;
  };
  /** Fill in defaults in place (runs on create and update, after decoding). */
  defaults?(obj: T): void;
  /**
   * Messages for an invalid metadata.name (or, with prefix=true, metadata.generateName, which may
   * end in '-'): kube's per-kind name validation. A DNS-1123 subdomain by default; Services, for
   * example, need a DNS-1035 label.
   */
  validateName?(name: string, prefix: boolean): string[];
  /** Field errors for a create (old undefined) or update. */
  validate?(obj: T, old?: T): FieldError[];
  /** Adjust an object before it is first stored (e.g. clear status). */
  prepareForCreate?(obj: T): void;
  /** Adjust an update before it is stored (e.g. keep fields that cannot change). */
  prepareForUpdate?(obj: T, old: T): void;
  /**
   * Finalizers the kind keeps outside metadata.finalizers (a Namespace's spec.finalizers): a
   * delete waits for these too, and the object goes once both lists are empty.
   */
  extraFinalizers?(obj: T): string[];
  /**
   * Graceful deletion (kube's CheckGracefulDelete): the grace period in seconds for a delete of an
   * object not yet being deleted (usually opts.gracePeriodSeconds, else a kind default such as a
   * pod's terminationGracePeriodSeconds), or undefined to delete at once. A positive period sets
   * deletionTimestamp = now + period and leaves the object until it is deleted with grace 0.
   */
  gracefulDeletion?(obj: T, opts: DeleteOptions): number | undefined;
  /** Called on the stored copy when a delete has to wait for finalizers (e.g. set phase Terminating). */
  beginDeletion?(obj: T): void;
  printerColumns?: PrinterColumn<T>[];
  /** Extra field selectors beyond metadata.name / metadata.namespace: "spec.nodeName" → value. */
  selectableFields?: Record<string, (obj: T) => string | undefined>;
}

/** Declare a kind, with type inference for its object type. */
export function defineKind<T extends KubeObject>(def: KindDefinition<T>): KindDefinition<T> {
  return def;
}

export function kindGVK(k: Pick<KindDefinition, 'group' | 'version' | 'kind'>): GroupVersionKind {
  return { group: k.group, version: k.version, kind: k.kind };
}

export function kindApiVersion(k: Pick<KindDefinition, 'group' | 'version'>): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

/** "deployments.apps", "pods": the resource's qualified name. */
export function kindResourceName(k: Pick<KindDefinition, 'group' | 'plural'>): string {
  return k.group ? `${k.plural}.${k.group}` : k.plural;
}

/** A reference to a kind: its definition, or its apiVersion + kind. */
export type KindRef = KindDefinition<any> | { apiVersion: string; kind: string };
