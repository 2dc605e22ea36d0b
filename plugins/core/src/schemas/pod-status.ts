/** core/v1 PodStatus and the Pod kind. */
import { atomic, bool, field, int32, int64, kindSchema, list, listMap, named, obj, quantityMap, str, strEnum, time, type JSONSchemaProps } from '@keelson/api';
import { ResourceRequirements } from './container.js';
import { PodSpec } from './pod-spec.js';
import { core } from './refs.js';

type S = JSONSchemaProps;

const PodCondition: S = named(
  core('PodCondition'),
  obj(
    'PodCondition contains details for the current condition of this pod.',
    {
      lastProbeTime: time('Last time we probed the condition.'),
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      message: str('Human-readable message indicating details about last transition.'),
      reason: str("Unique, one-word, CamelCase reason for the condition's last transition."),
      status: str('Status is the status of the condition. Can be True, False, Unknown. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions', { default: '' }),
      type: str('Type is the type of the condition. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions', { default: '' }),
    },
    { required: ['type', 'status'] },
  ),
);

const ContainerState: S = named(
  core('ContainerState'),
  obj('ContainerState holds a possible state of container. Only one of its members may be specified. If none of them is specified, the default one is ContainerStateWaiting.', {
    running: field(
      'Details about a running container',
      named(core('ContainerStateRunning'), obj('ContainerStateRunning is a running state of a container.', { startedAt: time('Time at which the container was last (re-)started') })),
    ),
    terminated: field(
      'Details about a terminated container',
      named(
        core('ContainerStateTerminated'),
        obj(
          'ContainerStateTerminated is a terminated state of a container.',
          {
            containerID: str("Container's ID in the format '<type>://<container_id>'"),
            exitCode: int32('Exit status from the last termination of the container', { default: 0 }),
            finishedAt: time('Time at which the container last terminated'),
            message: str('Message regarding the last termination of the container'),
            reason: str('(brief) reason from the last termination of the container'),
            signal: int32('Signal from the last termination of the container'),
            startedAt: time('Time at which previous execution of the container started'),
          },
          { required: ['exitCode'] },
        ),
      ),
    ),
    waiting: field(
      'Details about a waiting container',
      named(
        core('ContainerStateWaiting'),
        obj('ContainerStateWaiting is a waiting state of a container.', {
          message: str('Message regarding why the container is not yet running.'),
          reason: str('(brief) reason the container is not yet running.'),
        }),
      ),
    ),
  }),
);

const VolumeMountStatus: S = named(
  core('VolumeMountStatus'),
  obj(
    'VolumeMountStatus shows status of volume mounts.',
    {
      mountPath: str('MountPath corresponds to the original VolumeMount.', { default: '' }),
      name: str('Name corresponds to the name of the original VolumeMount.', { default: '' }),
      readOnly: bool('ReadOnly corresponds to the original VolumeMount.'),
      recursiveReadOnly: str('RecursiveReadOnly must be set to Disabled, Enabled, or unspecified (for non-readonly mounts).'),
    },
    { required: ['name', 'mountPath'] },
  ),
);

const ResourceStatus: S = named(
  core('ResourceStatus'),
  obj(
    'ResourceStatus represents the status of a single resource allocated to a Pod.',
    {
      name: str('Name of the resource. Must be unique within the pod and in case of non-DRA resource, match one of the resources from the pod spec.', { default: '' }),
      resources: listMap(
        'List of unique resources health. Each element in the list contains an unique resource ID and its health.',
        ['resourceID'],
        named(
          core('ResourceHealth'),
          obj(
            'ResourceHealth represents the health of a resource. It has the latest device health information.',
            {
              health: str('Health of the resource. can be one of: Healthy, Unhealthy, Unknown.'),
              resourceID: str('ResourceID is the unique identifier of the resource.', { default: '' }),
            },
            { required: ['resourceID'] },
          ),
        ),
      ),
    },
    { required: ['name'] },
  ),
);

const ContainerUser: S = named(
  core('ContainerUser'),
  obj('ContainerUser represents user identity information', {
    linux: field(
      'Linux holds user identity information initially attached to the first process of the containers in Linux.',
      named(
        core('LinuxContainerUser'),
        obj(
          'LinuxContainerUser represents user identity information in Linux containers',
          {
            gid: int64('GID is the primary gid initially attached to the first process in the container', { default: 0 }),
            supplementalGroups: list('SupplementalGroups are the supplemental groups initially attached to the first process in the container', { type: 'integer', format: 'int64', default: 0 }, { listType: 'atomic' }),
            uid: int64('UID is the primary uid initially attached to the first process in the container', { default: 0 }),
          },
          { required: ['uid', 'gid'] },
        ),
      ),
    ),
  }),
);

const ContainerStatus: S = named(
  core('ContainerStatus'),
  obj(
    'ContainerStatus contains details for the current status of this container.',
    {
      allocatedResources: quantityMap('AllocatedResources represents the compute resources allocated for this container by the node. Kubelet sets this value to Container.Resources.Requests upon successful pod admission and after successfully admitting desired pod resize.'),
      allocatedResourcesStatus: listMap('AllocatedResourcesStatus represents the status of various resources allocated for this Pod.', ['name'], ResourceStatus),
      containerID: str("ContainerID is the ID of the container in the format '<type>://<container_id>'. Where type is a container runtime identifier, returned from Version call of CRI API (for example \"containerd\")."),
      image: str('Image is the name of container image that the container is running. The container image may not match the image used in the PodSpec, as it may have been resolved by the runtime. More info: https://kubernetes.io/docs/concepts/containers/images.', { default: '' }),
      imageID: str("ImageID is the image ID of the container's image. The image ID may not match the image ID of the image used in the PodSpec, as it may have been resolved by the runtime.", { default: '' }),
      lastState: field("LastTerminationState holds the last termination state of the container to help debug container crashes and restarts. This field is not populated if the container is still running and RestartCount is 0.", ContainerState, { default: {} }),
      name: str('Name is a DNS_LABEL representing the unique name of the container. Each container in a pod must have a unique name across all container types. Cannot be updated.', { default: '' }),
      ready: bool('Ready specifies whether the container is currently passing its readiness check. The value will change as readiness probes keep executing. If no readiness probes are specified, this field defaults to true once the container is fully started.', { default: false }),
      resources: field('Resources represents the compute resource requests and limits that have been successfully enacted on the running container after it has been started or has been successfully resized.', ResourceRequirements),
      restartCount: int32('RestartCount holds the number of times the container has been restarted. Kubelet makes an effort to always increment the value, but there are cases when the state may be lost due to node restarts and then the value may be reset to 0. The value is never negative.', { default: 0 }),
      started: bool('Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe. Initialized as false, becomes true after startupProbe is considered successful.'),
      state: field('State holds details about the container\'s current condition.', ContainerState, { default: {} }),
      user: field('User represents user identity information initially attached to the first process of the container', ContainerUser),
      volumeMounts: listMap('Status of volume mounts.', ['mountPath'], VolumeMountStatus, 'merge'),
    },
    { required: ['name', 'ready', 'restartCount', 'image', 'imageID'] },
  ),
);

const ip = (what: string) =>
  named(core(what), obj(`${what} represents a single IP address allocated to the ${what === 'HostIP' ? 'host' : 'pod'}.`, { ip: str('IP is the IP address assigned to the ' + (what === 'HostIP' ? 'host' : 'pod'), { default: '' }) }, { required: ['ip'] }));

const PodResourceClaimStatus: S = named(
  core('PodResourceClaimStatus'),
  obj(
    'PodResourceClaimStatus is stored in the PodStatus for each PodResourceClaim which references a ResourceClaimTemplate. It stores the generated name for the corresponding ResourceClaim.',
    {
      name: str('Name uniquely identifies this resource claim inside the pod. This must match the name of an entry in pod.spec.resourceClaims, which implies that the string must be a DNS_LABEL.', { default: '' }),
      resourceClaimName: str('ResourceClaimName is the name of the ResourceClaim that was generated for the Pod in the namespace of the Pod. If this is unset, then generating a ResourceClaim was not necessary.'),
    },
    { required: ['name'] },
  ),
);

const statuses = (what: string) =>
  atomic(`Statuses of ${what} in this pod. Each container in the pod should have at most one status in this list, and all statuses should be for containers in the pod. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-and-container-status`, ContainerStatus);

export const PodStatus: S = named(
  core('PodStatus'),
  obj(
    'PodStatus represents information about the status of a pod. Status may trail the actual state of a system, especially if the node that hosts the pod cannot contact the control plane.',
    {
      conditions: listMap('Current service state of pod. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions', ['type'], PodCondition, 'merge'),
      containerStatuses: statuses('containers'),
      ephemeralContainerStatuses: statuses('ephemeral containers'),
      hostIP: str('hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet.'),
      hostIPs: list('hostIPs holds the IP addresses allocated to the host. If this field is specified, the first entry must match the hostIP field.', ip('HostIP'), { listType: 'atomic', mergeKey: 'ip', strategy: 'merge' }),
      initContainerStatuses: statuses('init containers'),
      message: str('A human readable message indicating details about why the pod is in this condition.'),
      nominatedNodeName: str('nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.'),
      phase: strEnum(
        'The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle: Pending, Running, Succeeded, Failed or Unknown. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-phase',
        ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
      ),
      podIP: str('podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
      podIPs: listMap('podIPs holds the IP addresses allocated to the pod. If this field is specified, the 0th entry must match the podIP field. Pods may be allocated at most 1 value for each of IPv4 and IPv6.', ['ip'], ip('PodIP'), 'merge'),
      qosClass: strEnum('The Quality of Service (QOS) classification assigned to the pod based on resource requirements. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/#quality-of-service-classes', ['BestEffort', 'Burstable', 'Guaranteed']),
      reason: str("A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'"),
      resize: str('Status of resources resize desired for pod\'s containers. It is empty if no resources resize is pending.'),
      resourceClaimStatuses: listMap('Status of resource claims.', ['name'], PodResourceClaimStatus, 'merge,retainKeys'),
      startTime: time('RFC 3339 date and time at which the object was acknowledged by the Kubelet. This is before the Kubelet pulled the container image(s) for the pod.'),
    },
  ),
);

export const PodSchema: S = kindSchema(
  core('Pod'),
  'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.',
  {
    spec: field('Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status', PodSpec, { default: {} }),
    status: field(
      'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
      PodStatus,
      { default: {} },
    ),
  },
);
