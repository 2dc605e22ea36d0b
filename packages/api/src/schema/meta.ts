/** Schemas of k8s.io/apimachinery/pkg/apis/meta/v1 types shared by every kind. */
import type { JSONSchemaProps } from '../kind.js';
import { atomic, bool, field, int64, listMap, named, obj, str, strList, strMap } from './builder.js';

type S = JSONSchemaProps;
const meta = (kind: string) => `io.k8s.apimachinery.pkg.apis.meta.v1.${kind}`;

export const TimeSchema: S = named(meta('Time'), {
  type: 'string',
  format: 'date-time',
  description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON (RFC 3339, second precision).',
});

export const MicroTimeSchema: S = named(meta('MicroTime'), {
  type: 'string',
  format: 'date-time',
  description: 'MicroTime is version of Time with microsecond level precision.',
});

/** A timestamp field (metav1.Time). */
export const time = (description: string): S => field(description, TimeSchema);
/** A microsecond timestamp field (metav1.MicroTime). */
export const microTime = (description: string): S => field(description, MicroTimeSchema);

export const OwnerReferenceSchema: S = named(
  meta('OwnerReference'),
  obj(
    'OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.',
    {
      apiVersion: str('API version of the referent.'),
      blockOwnerDeletion: bool('If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed. Defaults to false.'),
      controller: bool('If true, this reference points to the managing controller.'),
      kind: str('Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
      name: str('Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'),
      uid: str('UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids'),
    },
    { required: ['apiVersion', 'kind', 'name', 'uid'], mapType: 'atomic' },
  ),
);

export const ManagedFieldsEntrySchema: S = named(
  meta('ManagedFieldsEntry'),
  obj('ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.', {
    apiVersion: str('APIVersion defines the version of this resource that this field set applies to.'),
    fieldsType: str('FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"'),
    fieldsV1: named(meta('FieldsV1'), { type: 'object', description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.', 'x-kubernetes-preserve-unknown-fields': true }),
    manager: str('Manager is an identifier of the workflow managing these fields.'),
    operation: str("Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'."),
    subresource: str('Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.'),
    time: time('Time is the timestamp of when the ManagedFields entry was added.'),
  }),
);

export const ObjectMetaSchema: S = named(
  meta('ObjectMeta'),
  obj('ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.', {
    annotations: strMap('Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations'),
    creationTimestamp: time('CreationTimestamp is a timestamp representing the server time when this object was created. Populated by the system. Read-only. Null for lists.'),
    deletionGracePeriodSeconds: int64('Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Only set when deletionTimestamp is also set. Read-only.'),
    deletionTimestamp: time('DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. Set by the server when a graceful deletion is requested by the user. Read-only.'),
    finalizers: strList('Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list.', { listType: 'set', strategy: 'merge' }),
    generateName: str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.'),
    generation: int64('A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.'),
    labels: strMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels'),
    managedFields: atomic('ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.', ManagedFieldsEntrySchema),
    name: str('Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'),
    namespace: str('Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces'),
    ownerReferences: listMap('List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected.', ['uid'], OwnerReferenceSchema, 'merge'),
    resourceVersion: str('An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency'),
    selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
    uid: str('UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations. Read-only.'),
  }),
);

export const LabelSelectorRequirementSchema: S = named(
  meta('LabelSelectorRequirement'),
  obj(
    'A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.',
    {
      key: str('key is the label key that the selector applies to.'),
      operator: str("operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist."),
      values: strList('values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty.'),
    },
    { required: ['key', 'operator'] },
  ),
);

export const LabelSelectorSchema: S = named(
  meta('LabelSelector'),
  obj(
    'A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.',
    {
      matchExpressions: atomic('matchExpressions is a list of label selector requirements. The requirements are ANDed.', LabelSelectorRequirementSchema),
      matchLabels: strMap('matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an element of matchExpressions, whose key field is "key", the operator is "In", and the values array contains only "value". The requirements are ANDed.'),
    },
    { mapType: 'atomic' },
  ),
);

export const apiVersionField = str(
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
);
export const kindField = str(
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
);
export const metadataField = field('Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', ObjectMetaSchema, { default: {} });

/**
 * The schema of a top-level kind: apiVersion, kind and metadata (ObjectMeta) plus its own fields,
 * named `name` ("io.k8s.api.core.v1.Pod").
 */
export function kindSchema(name: string, description: string, properties: Record<string, S>, required?: string[]): S {
  return named(name, obj(description, { apiVersion: apiVersionField, kind: kindField, metadata: metadataField, ...properties }, { required }));
}
