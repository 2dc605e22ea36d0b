/** core/v1 PodSpec and PodTemplateSpec (embedded by workload kinds). */
import { atomic, bool, field, int32, int64, list, listMap, mapOf, metadataField, named, obj, QuantitySchema, str, strEnum, strList, strMap, type JSONSchemaProps } from '@keelson/api';
import { Affinity, Toleration, TopologySpreadConstraint } from './affinity.js';
import { Container, EphemeralContainer, ResourceRequirements } from './container.js';
import { core, LocalObjectReference } from './refs.js';
import { PodSecurityContext } from './security.js';
import { Volume } from './volumes.js';

type S = JSONSchemaProps;

const HostAlias: S = named(
  core('HostAlias'),
  obj(
    "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file.",
    { hostnames: strList('Hostnames for the above IP address.'), ip: str('IP address of the host file entry.', { default: '' }) },
    { required: ['ip'] },
  ),
);

const PodDNSConfigOption: S = named(
  core('PodDNSConfigOption'),
  obj('PodDNSConfigOption defines DNS resolver options of a pod.', {
    name: str('Name is this DNS resolver option\'s name. Required.'),
    value: str("Value is this DNS resolver option's value."),
  }),
);

const PodDNSConfig: S = named(
  core('PodDNSConfig'),
  obj('PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.', {
    nameservers: strList('A list of DNS name server IP addresses. This will be appended to the base nameservers generated from DNSPolicy. Duplicated nameservers will be removed.'),
    options: atomic('A list of DNS resolver options. This will be merged with the base options generated from DNSPolicy. Duplicated entries will be removed. Resolution options given in Options will override those that appear in the base DNSPolicy.', PodDNSConfigOption),
    searches: strList('A list of DNS search domains for host-name lookup. This will be appended to the base search paths generated from DNSPolicy. Duplicated search paths will be removed.'),
  }),
);

const PodReadinessGate: S = named(
  core('PodReadinessGate'),
  obj('PodReadinessGate contains the reference to a pod condition', { conditionType: str("ConditionType refers to a condition in the pod's condition list with matching type.", { default: '' }) }, { required: ['conditionType'] }),
);

const PodSchedulingGate: S = named(
  core('PodSchedulingGate'),
  obj('PodSchedulingGate is associated to a Pod to guard its scheduling.', { name: str('Name of the scheduling gate. Each scheduling gate must have a unique name field.', { default: '' }) }, { required: ['name'] }),
);

const PodResourceClaim: S = named(
  core('PodResourceClaim'),
  obj(
    'PodResourceClaim references exactly one ResourceClaim, either directly or by naming a ResourceClaimTemplate which is then turned into a ResourceClaim for the pod.',
    {
      name: str('Name uniquely identifies this resource claim inside the pod. This must be a DNS_LABEL.', { default: '' }),
      resourceClaimName: str('ResourceClaimName is the name of a ResourceClaim object in the same namespace as this pod.'),
      resourceClaimTemplateName: str('ResourceClaimTemplateName is the name of a ResourceClaimTemplate object in the same namespace as this pod.'),
    },
    { required: ['name'] },
  ),
);

const PodOS: S = named(
  core('PodOS'),
  obj('PodOS defines the OS parameters of a pod.', { name: str('Name is the name of the operating system. The currently supported values are linux and windows.', { default: '' }) }, { required: ['name'] }),
);

export const PodSpec: S = named(
  core('PodSpec'),
  obj(
    'PodSpec is a description of a pod.',
    {
      activeDeadlineSeconds: int64('Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers. Value must be a positive integer.'),
      affinity: field("If specified, the pod's scheduling constraints", Affinity),
      automountServiceAccountToken: bool('AutomountServiceAccountToken indicates whether a service account token should be automatically mounted.'),
      containers: listMap(
        'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.',
        ['name'],
        Container,
        'merge',
      ),
      dnsConfig: field('Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy.', PodDNSConfig),
      dnsPolicy: strEnum(
        "Set DNS policy for the pod. Defaults to \"ClusterFirst\". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'. DNS parameters given in DNSConfig will be merged with the policy selected with DNSPolicy.",
        ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
      ),
      enableServiceLinks: bool("EnableServiceLinks indicates whether information about services should be injected into pod's environment variables, matching the syntax of Docker links. Optional: Defaults to true."),
      ephemeralContainers: listMap(
        'List of ephemeral containers run in this pod. Ephemeral containers may be run in an existing pod to perform user-initiated actions such as debugging. This list cannot be specified when creating a pod, and it cannot be modified by updating the pod spec.',
        ['name'],
        EphemeralContainer,
        'merge',
      ),
      hostAliases: listMap("HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file if specified.", ['ip'], HostAlias, 'merge'),
      hostIPC: bool("Use the host's ipc namespace. Optional: Default to false."),
      hostNetwork: bool("Host networking requested for this pod. Use the host's network namespace. If this option is set, the ports that will be used must be specified. Default to false."),
      hostPID: bool("Use the host's pid namespace. Optional: Default to false."),
      hostUsers: bool("Use the host's user namespace. Optional: Default to true. If set to true or not present, the pod will be run in the host user namespace."),
      hostname: str("Specifies the hostname of the Pod If not specified, the pod's hostname will be set to a system-defined value."),
      imagePullSecrets: listMap(
        'ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec. More info: https://kubernetes.io/docs/concepts/containers/images#specifying-imagepullsecrets-on-a-pod',
        ['name'],
        LocalObjectReference,
        'merge',
      ),
      initContainers: listMap(
        'List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started. If any init container fails, the pod is considered to have failed and is handled according to its restartPolicy. More info: https://kubernetes.io/docs/concepts/workloads/pods/init-containers/',
        ['name'],
        Container,
        'merge',
      ),
      nodeName: str('NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod.'),
      nodeSelector: strMap("NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/", 'atomic'),
      os: field('Specifies the OS of the containers in the pod. Some pod and container fields are restricted if this is set.', PodOS),
      overhead: mapOf('Overhead represents the resource overhead associated with running a pod for a given RuntimeClass. More info: https://git.k8s.io/enhancements/keps/sig-node/688-pod-overhead/README.md', QuantitySchema),
      preemptionPolicy: strEnum('PreemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.', ['Never', 'PreemptLowerPriority']),
      priority: int32('The priority value. Various system components use this field to find the priority of the pod. When Priority Admission Controller is enabled, it prevents users from setting this field. The admission controller populates this field from PriorityClassName.'),
      priorityClassName: str('If specified, indicates the pod\'s priority. "system-node-critical" and "system-cluster-critical" are two special keywords which indicate the highest priorities with the former being the highest priority.'),
      readinessGates: atomic('If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True"', PodReadinessGate),
      resourceClaims: listMap('ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start. The resources will be made available to those containers which consume them by name.', ['name'], PodResourceClaim, 'merge,retainKeys'),
      resources: field('Resources is the total amount of CPU and Memory resources required by all containers in the pod (alpha, PodLevelResources feature gate).', ResourceRequirements),
      restartPolicy: strEnum(
        'Restart policy for all containers within the pod. One of Always, OnFailure, Never. In some contexts, only a subset of those values may be permitted. Default to Always. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy',
        ['Always', 'Never', 'OnFailure'],
      ),
      runtimeClassName: str('RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod. If no RuntimeClass resource matches the named class, the pod will not be run.'),
      schedulerName: str('If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler.'),
      schedulingGates: listMap('SchedulingGates is an opaque list of values that if specified will block scheduling the pod. If schedulingGates is not empty, the pod will stay in the SchedulingGated state and the scheduler will not attempt to schedule the pod.', ['name'], PodSchedulingGate, 'merge'),
      securityContext: field('SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty.  See type description for default values of each field.', PodSecurityContext),
      serviceAccount: str('DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead.'),
      serviceAccountName: str('ServiceAccountName is the name of the ServiceAccount to use to run this pod. More info: https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/'),
      setHostnameAsFQDN: bool("If true the pod's hostname will be configured as the pod's FQDN, rather than the leaf name (the default). Default to false."),
      shareProcessNamespace: bool('Share a single process namespace between all of the containers in a pod. When this is set containers will be able to view and signal processes from other containers in the same pod, and the first process in each container will not be assigned PID 1. Default to false.'),
      subdomain: str('If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>". If not specified, the pod will not have a domainname at all.'),
      terminationGracePeriodSeconds: int64(
        'Optional duration in seconds the pod needs to terminate gracefully. May be decreased in delete request. Value must be non-negative integer. The value zero indicates stop immediately via the kill signal (no opportunity to shut down). If this value is nil, the default grace period will be used instead. Defaults to 30 seconds.',
      ),
      tolerations: atomic("If specified, the pod's tolerations.", Toleration),
      topologySpreadConstraints: list(
        'TopologySpreadConstraints describes how a group of pods ought to spread across topology domains. Scheduler will schedule pods in a way which abides to the constraints. All topologySpreadConstraints are ANDed.',
        TopologySpreadConstraint,
        { listType: 'map', mapKeys: ['topologyKey', 'whenUnsatisfiable'], mergeKey: 'topologyKey', strategy: 'merge' },
      ),
      volumes: listMap('List of volumes that can be mounted by containers belonging to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes', ['name'], Volume, 'merge,retainKeys'),
    },
    { required: ['containers'] },
  ),
);

export const PodTemplateSpec: S = named(
  core('PodTemplateSpec'),
  obj('PodTemplateSpec describes the data a pod should have when created from a template', {
    metadata: metadataField,
    spec: field('Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status', PodSpec, { default: {} }),
  }),
);
