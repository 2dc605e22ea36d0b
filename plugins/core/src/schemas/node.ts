/** core/v1 Node. */
import { atomic, bool, field, int32, int64, kindSchema, listMap, named, obj, quantityMap, str, strEnum, strList, time, type JSONSchemaProps } from '@keelson/api';
import { taintEffects } from './affinity.js';
import { core } from './refs.js';

type S = JSONSchemaProps;

const Taint: S = named(
  core('Taint'),
  obj(
    'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.',
    {
      effect: strEnum('Required. The effect of the taint on pods that do not tolerate the taint. Valid effects are NoSchedule, PreferNoSchedule and NoExecute.', taintEffects, { default: '' }),
      key: str('Required. The taint key to be applied to a node.', { default: '' }),
      timeAdded: time('TimeAdded represents the time at which the taint was added.'),
      value: str('The taint value corresponding to the taint key.'),
    },
    { required: ['key', 'effect'] },
  ),
);

const NodeSpec: S = named(
  core('NodeSpec'),
  obj('NodeSpec describes the attributes that a node is created with.', {
    configSource: obj('Deprecated: Previously used to specify the source of the node\'s configuration for the DynamicKubeletConfig feature. This feature is removed.', {}, { extra: { 'x-kubernetes-preserve-unknown-fields': true } }),
    externalID: str('Deprecated. Not all kubelets will set this field. Remove field after 1.13. see: https://issues.k8s.io/61966'),
    podCIDR: str('PodCIDR represents the pod IP range assigned to the node.'),
    podCIDRs: strList('podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node. If this field is specified, the 0th entry must match the podCIDR field. It may contain at most 1 value for each of IPv4 and IPv6.', { listType: 'set', strategy: 'merge' }),
    providerID: str('ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID>'),
    taints: atomic("If specified, the node's taints.", Taint),
    unschedulable: bool('Unschedulable controls node schedulability of new pods. By default, node is schedulable. More info: https://kubernetes.io/docs/concepts/nodes/node/#manual-node-administration'),
  }),
);

const NodeAddress: S = named(
  core('NodeAddress'),
  obj('NodeAddress contains information for the node\'s address.', {
    address: str('The node address.', { default: '' }),
    type: str('Node address type, one of Hostname, ExternalIP or InternalIP.', { default: '' }),
  }, { required: ['type', 'address'] }),
);

const NodeCondition: S = named(
  core('NodeCondition'),
  obj(
    'NodeCondition contains condition information for a node.',
    {
      lastHeartbeatTime: time('Last time we got an update on a given condition.'),
      lastTransitionTime: time('Last time the condition transit from one status to another.'),
      message: str('Human readable message indicating details about last transition.'),
      reason: str("(brief) reason for the condition's last transition."),
      status: str('Status of the condition, one of True, False, Unknown.', { default: '' }),
      type: str('Type of node condition.', { default: '' }),
    },
    { required: ['type', 'status'] },
  ),
);

const info = (d: string) => str(d, { default: '' });
const NodeSystemInfo: S = named(
  core('NodeSystemInfo'),
  obj(
    'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.',
    {
      architecture: info('The Architecture reported by the node'),
      bootID: info('Boot ID reported by the node.'),
      containerRuntimeVersion: info('ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
      kernelVersion: info("Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
      kubeProxyVersion: info('Deprecated: KubeProxy Version reported by the node.'),
      kubeletVersion: info('Kubelet Version reported by the node.'),
      machineID: info('MachineID reported by the node. For unique machine identification in the cluster this field is preferred. Learn more from man(5) machine-id: http://man7.org/linux/man-pages/man5/machine-id.5.html'),
      operatingSystem: info('The Operating System reported by the node'),
      osImage: info('OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
      systemUUID: info('SystemUUID reported by the node. For unique machine identification MachineID is preferred. This field is specific to Red Hat hosts https://access.redhat.com/documentation/en-us/red_hat_subscription_management/1/html/rhsm/uuid'),
    },
    { required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'] },
  ),
);

const ContainerImage: S = named(
  core('ContainerImage'),
  obj('Describe a container image', {
    names: strList('Names by which this image is known. e.g. ["kubernetes.example/hyperkube:v1.0.7", "cloud-vendor.registry.example/cloud-vendor/hyperkube:v1.0.7"]'),
    sizeBytes: int64('The size of the image in bytes.'),
  }),
);

const DaemonEndpoint: S = named(
  core('DaemonEndpoint'),
  obj('DaemonEndpoint contains information about a single Daemon endpoint.', { Port: int32('Port number of the given endpoint.', { default: 0 }) }, { required: ['Port'] }),
);

const AttachedVolume: S = named(
  core('AttachedVolume'),
  obj('AttachedVolume describes a volume attached to a node', {
    devicePath: str('DevicePath represents the device path where the volume should be available', { default: '' }),
    name: str('Name of the attached volume', { default: '' }),
  }, { required: ['name', 'devicePath'] }),
);

const NodeStatus: S = named(
  core('NodeStatus'),
  obj('NodeStatus is information about the current status of a node.', {
    addresses: listMap(
      'List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses',
      ['type'],
      NodeAddress,
      'merge',
    ),
    allocatable: quantityMap('Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity.'),
    capacity: quantityMap('Capacity represents the total resources of a node. More info: https://kubernetes.io/docs/reference/node/node-status/#capacity'),
    conditions: listMap('Conditions is an array of current observed node conditions. More info: https://kubernetes.io/docs/reference/node/node-status/#condition', ['type'], NodeCondition, 'merge'),
    config: obj('Status of the config assigned to the node via the dynamic Kubelet config feature.', {}, { extra: { 'x-kubernetes-preserve-unknown-fields': true } }),
    daemonEndpoints: field(
      'Endpoints of daemons running on the Node.',
      named(core('NodeDaemonEndpoints'), obj('NodeDaemonEndpoints lists ports opened by daemons running on the Node.', { kubeletEndpoint: field('Endpoint on which Kubelet is listening.', DaemonEndpoint, { default: {} }) })),
      { default: {} },
    ),
    features: field(
      'Features describes the set of features implemented by the CRI implementation.',
      named(core('NodeFeatures'), obj('NodeFeatures describes the set of features implemented by the CRI implementation.', { supplementalGroupsPolicy: bool('SupplementalGroupsPolicy is set to true if the runtime supports SupplementalGroupsPolicy and ContainerUser.') })),
    ),
    images: atomic('List of container images on this node', ContainerImage),
    nodeInfo: field('Set of ids/uuids to uniquely identify the node. More info: https://kubernetes.io/docs/reference/node/node-status/#info', NodeSystemInfo, { default: {} }),
    phase: strEnum('NodePhase is the recently observed lifecycle phase of the node. The field is never populated, and now is deprecated.', ['Pending', 'Running', 'Terminated']),
    runtimeHandlers: atomic(
      'The available runtime handlers.',
      named(core('NodeRuntimeHandler'), obj('NodeRuntimeHandler is a set of runtime handler information.', {
        features: field('Supported features.', named(core('NodeRuntimeHandlerFeatures'), obj('NodeRuntimeHandlerFeatures is a set of features implemented by the runtime handler.', {
          recursiveReadOnlyMounts: bool('RecursiveReadOnlyMounts is set to true if the runtime handler supports RecursiveReadOnlyMounts.'),
          userNamespaces: bool('UserNamespaces is set to true if the runtime handler supports UserNamespaces, including for volumes.'),
        }))),
        name: str('Runtime handler name. Empty for the default runtime handler.', { default: '' }),
      })),
    ),
    volumesAttached: atomic('List of volumes that are attached to the node.', AttachedVolume),
    volumesInUse: strList('List of attachable volumes in use (mounted) by the node.'),
  }),
);

export const NodeSchema: S = kindSchema(core('Node'), 'Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).', {
  spec: field('Spec defines the behavior of a node. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status', NodeSpec, { default: {} }),
  status: field('Most recently observed status of the node. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status', NodeStatus, { default: {} }),
});
