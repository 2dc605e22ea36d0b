/** Schemas of the small core kinds: Namespace, ConfigMap, Secret, ServiceAccount, Event and Lease. */
import { atomic, bool, bytes, field, int32, kindSchema, listMap, mapOf, microTime, named, obj, str, strEnum, strList, strMap, time, type JSONSchemaProps } from '@keelson/api';
import { core, LocalObjectReference, ObjectReference } from './refs.js';

type S = JSONSchemaProps;

const NamespaceCondition: S = named(
  core('NamespaceCondition'),
  obj(
    'NamespaceCondition contains details about state of namespace.',
    {
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('Human-readable message indicating details about last transition.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('Status of the condition, one of True, False, Unknown.'),
      type: str('Type of namespace controller condition.'),
    },
    { required: ['type', 'status'] },
  ),
);

export const NamespaceSchema: S = kindSchema(core('Namespace'), 'Namespace provides a scope for Names. Use of multiple namespaces is optional.', {
  spec: field(
    'Spec defines the behavior of the Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    named(
      core('NamespaceSpec'),
      obj('NamespaceSpec describes the attributes on a Namespace.', {
        finalizers: strList('Finalizers is an opaque list of values that must be empty to permanently remove object from storage. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/'),
      }),
    ),
    { default: {} },
  ),
  status: field(
    'Status describes the current status of a Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    named(
      core('NamespaceStatus'),
      obj('NamespaceStatus is information about the current status of a Namespace.', {
        conditions: listMap("Represents the latest available observations of a namespace's current state.", ['type'], NamespaceCondition, 'merge'),
        phase: strEnum('Phase is the current lifecycle phase of the namespace. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/', ['Active', 'Terminating']),
      }),
    ),
    { default: {} },
  ),
});

export const ConfigMapSchema: S = kindSchema(core('ConfigMap'), 'ConfigMap holds configuration data for pods to consume.', {
  binaryData: mapOf(
    "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'. BinaryData can contain byte sequences that are not in the UTF-8 range. The keys stored in BinaryData must not overlap with the ones in the Data field, this is enforced during validation process.",
    bytes(),
  ),
  data: strMap(
    "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
  ),
  immutable: bool('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.'),
});

export const SecretSchema: S = kindSchema(core('Secret'), 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.', {
  data: mapOf(
    "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
    bytes(),
  ),
  immutable: bool('Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.'),
  stringData: strMap(
    'stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values. The stringData field is never output when reading from the API.',
  ),
  type: str('Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
});

export const ServiceAccountSchema: S = kindSchema(
  core('ServiceAccount'),
  'ServiceAccount binds together: * a name, understood by users, and perhaps by peripheral systems, for an identity * a principal that can be authenticated and authorized * a set of secrets',
  {
    automountServiceAccountToken: bool('AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted. Can be overridden at the pod level.'),
    imagePullSecrets: atomic(
      'ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images in pods that reference this ServiceAccount. More info: https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod',
      LocalObjectReference,
    ),
    secrets: listMap(
      'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". More info: https://kubernetes.io/docs/concepts/configuration/secret',
      ['name'],
      ObjectReference,
      'merge',
    ),
  },
);

const EventSource: S = named(
  core('EventSource'),
  obj('EventSource contains information for an event.', {
    component: str('Component from which the event is generated.'),
    host: str('Node name on which the event is generated.'),
  }),
);

const EventSeries: S = named(
  core('EventSeries'),
  obj('EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time.', {
    count: int32('Number of occurrences in this series up to the last heartbeat time'),
    lastObservedTime: microTime('Time of the last occurrence observed'),
  }),
);

export const EventSchema: S = kindSchema(
  core('Event'),
  'Event is a report of an event somewhere in the cluster. Events have a limited retention time and triggers and messages may evolve with time.',
  {
    action: str('What action was taken/failed regarding to the Regarding object.'),
    count: int32('The number of times this event has occurred.'),
    eventTime: microTime('Time when this Event was first observed.'),
    firstTimestamp: time('The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
    involvedObject: field('The object that this event is about.', ObjectReference, { default: {} }),
    lastTimestamp: time('The time at which the most recent occurrence of this event was recorded.'),
    message: str('A human-readable description of the status of this operation.'),
    reason: str("This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    related: field('Optional secondary object for more complex actions.', ObjectReference),
    reportingComponent: str('Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.', { default: '' }),
    reportingInstance: str('ID of the controller instance, e.g. `kubelet-xyzf`.', { default: '' }),
    series: field('Data about the Event series this event represents or nil if it\'s a singleton Event.', EventSeries),
    source: field('The component reporting this event. Should be a short machine understandable string.', EventSource, { default: {} }),
    type: str('Type of this event (Normal, Warning), new types could be added in the future'),
  },
  ['metadata', 'involvedObject'],
);

const coordination = (kind: string) => `io.k8s.api.coordination.v1.${kind}`;

export const LeaseSchema: S = kindSchema(coordination('Lease'), 'Lease defines a lease concept.', {
  spec: field(
    'spec contains the specification of the Lease. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    named(
      coordination('LeaseSpec'),
      obj('LeaseSpec is a specification of a Lease.', {
        acquireTime: microTime('acquireTime is a time when the current lease was acquired.'),
        holderIdentity: str('holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.'),
        leaseDurationSeconds: int32('leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it. This is measured against the time of last observed renewTime.'),
        leaseTransitions: int32('leaseTransitions is the number of transitions of a lease between holders.'),
        preferredHolder: str('PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up. This field can only be set if Strategy is also set.'),
        renewTime: microTime('renewTime is a time when the current holder of a lease has last updated the lease.'),
        strategy: str('Strategy indicates the strategy for picking the leader for coordinated leader election. If the field is not specified, there is no active coordination for this lease. (Alpha) Using this field requires the CoordinatedLeaderElection feature gate to be enabled.'),
      }),
    ),
    { default: {} },
  ),
});
