/** core/v1 Container and its parts: ports, env, resources, volume mounts. */
import { atomic, bool, field, int32, list, listMap, named, obj, quantity, quantityMap, str, strEnum, strList, type JSONSchemaProps } from '@keelson/api';
import { Lifecycle, Probe } from './handlers.js';
import { core } from './refs.js';
import { SecurityContext } from './security.js';

type S = JSONSchemaProps;

export const protocols = ['SCTP', 'TCP', 'UDP'];

export const ContainerPort: S = named(
  core('ContainerPort'),
  obj(
    'ContainerPort represents a network port in a single container.',
    {
      containerPort: int32("Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536."),
      hostIP: str('What host IP to bind the external port to.'),
      hostPort: int32('Number of port to expose on the host. If specified, this must be a valid port number, 0 < x < 65536. If HostNetwork is specified, this must match ContainerPort. Most containers do not need this.'),
      name: str('If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name. Name for the port that can be referred to by services.'),
      protocol: strEnum('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".', protocols, { default: 'TCP' }),
    },
    { required: ['containerPort'] },
  ),
);

const keySelector = (what: string) =>
  named(
    core(`${what}KeySelector`),
    obj(
      what === 'Secret' ? 'SecretKeySelector selects a key of a Secret.' : 'Selects a key from a ConfigMap.',
      {
        key: str(what === 'Secret' ? 'The key of the secret to select from.  Must be a valid secret key.' : 'The key to select.', { default: '' }),
        name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names', { default: '' }),
        optional: bool(`Specify whether the ${what} or its key must be defined`),
      },
      { required: ['key'], mapType: 'atomic' },
    ),
  );

export const ObjectFieldSelector: S = named(
  core('ObjectFieldSelector'),
  obj(
    'ObjectFieldSelector selects an APIVersioned field of an object.',
    {
      apiVersion: str('Version of the schema the FieldPath is written in terms of, defaults to "v1".'),
      fieldPath: str('Path of the field to select in the specified API version.', { default: '' }),
    },
    { required: ['fieldPath'], mapType: 'atomic' },
  ),
);

export const ResourceFieldSelector: S = named(
  core('ResourceFieldSelector'),
  obj(
    'ResourceFieldSelector represents container resources (cpu, memory) and their output format',
    {
      containerName: str('Container name: required for volumes, optional for env vars'),
      divisor: quantity('Specifies the output format of the exposed resources, defaults to "1"'),
      resource: str('Required: resource to select', { default: '' }),
    },
    { required: ['resource'], mapType: 'atomic' },
  ),
);

const EnvVarSource: S = named(
  core('EnvVarSource'),
  obj('EnvVarSource represents a source for the value of an EnvVar.', {
    configMapKeyRef: field('Selects a key of a ConfigMap.', keySelector('ConfigMap')),
    fieldRef: field(
      "Selects a field of the pod: supports metadata.name, metadata.namespace, `metadata.labels['<KEY>']`, `metadata.annotations['<KEY>']`, spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.",
      ObjectFieldSelector,
    ),
    resourceFieldRef: field('Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory and requests.ephemeral-storage) are currently supported.', ResourceFieldSelector),
    secretKeyRef: field("Selects a key of a secret in the pod's namespace", keySelector('Secret')),
  }),
);

const EnvVar: S = named(
  core('EnvVar'),
  obj(
    'EnvVar represents an environment variable present in a Container.',
    {
      name: str('Name of the environment variable. Must be a C_IDENTIFIER.', { default: '' }),
      value: str(
        'Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables. If a variable cannot be resolved, the reference in the input string will be unchanged. Double $$ are reduced to a single $. Defaults to "".',
      ),
      valueFrom: field("Source for the environment variable's value. Cannot be used if value is not empty.", EnvVarSource),
    },
    { required: ['name'] },
  ),
);

const envSource = (what: string) =>
  named(
    core(`${what}EnvSource`),
    obj(`${what}EnvSource selects a ${what} to populate the environment variables with. The contents of the target ${what}'s Data field will represent the key-value pairs as environment variables.`, {
      name: str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names', { default: '' }),
      optional: bool(`Specify whether the ${what} must be defined`),
    }),
  );

const EnvFromSource: S = named(
  core('EnvFromSource'),
  obj('EnvFromSource represents the source of a set of ConfigMaps or Secrets', {
    configMapRef: field('The ConfigMap to select from', envSource('ConfigMap')),
    prefix: str('Optional text to prepend to the name of each environment variable. Must be a C_IDENTIFIER.'),
    secretRef: field('The Secret to select from', envSource('Secret')),
  }),
);

const ResourceClaim: S = named(
  core('ResourceClaim'),
  obj(
    'ResourceClaim references one entry in PodSpec.ResourceClaims.',
    {
      name: str('Name must match the name of one entry in pod.spec.resourceClaims of the Pod where this field is used. It makes that resource available inside a container.', { default: '' }),
      request: str('Request is the name chosen for a request in the referenced claim. If empty, everything from the claim is made available, otherwise only the result of this request.'),
    },
    { required: ['name'] },
  ),
);

export const ResourceRequirements: S = named(
  core('ResourceRequirements'),
  obj('ResourceRequirements describes the compute resource requirements.', {
    claims: listMap(
      'Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container. This is an alpha field and requires enabling the DynamicResourceAllocation feature gate. This field is immutable. It can only be set for containers.',
      ['name'],
      ResourceClaim,
    ),
    limits: quantityMap('Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'),
    requests: quantityMap(
      'Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value. Requests cannot exceed Limits. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    ),
  }),
);

const VolumeMount: S = named(
  core('VolumeMount'),
  obj(
    'VolumeMount describes a mounting of a Volume within a container.',
    {
      mountPath: str("Path within the container at which the volume should be mounted.  Must not contain ':'.", { default: '' }),
      mountPropagation: strEnum('mountPropagation determines how mounts are propagated from the host to container and the other way around. When not set, MountPropagationNone is used.', ['Bidirectional', 'HostToContainer', 'None']),
      name: str('This must match the Name of a Volume.', { default: '' }),
      readOnly: bool('Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false.'),
      recursiveReadOnly: str('RecursiveReadOnly specifies whether read-only mounts should be handled recursively. If ReadOnly is false, this field has no meaning and must be unspecified.'),
      subPath: str("Path within the volume from which the container's volume should be mounted. Defaults to \"\" (volume's root)."),
      subPathExpr: str("Expanded path within the volume from which the container's volume should be mounted. Behaves similarly to SubPath but environment variable references $(VAR_NAME) are expanded using the container's environment. Defaults to \"\" (volume's root). SubPathExpr and SubPath are mutually exclusive."),
    },
    { required: ['name', 'mountPath'] },
  ),
);

const VolumeDevice: S = named(
  core('VolumeDevice'),
  obj(
    'volumeDevice describes a mapping of a raw block device within a container.',
    {
      devicePath: str('devicePath is the path inside of the container that the device will be mapped to.', { default: '' }),
      name: str('name must match the name of a persistentVolumeClaim in the pod', { default: '' }),
    },
    { required: ['name', 'devicePath'] },
  ),
);

const ContainerResizePolicy: S = named(
  core('ContainerResizePolicy'),
  obj(
    'ContainerResizePolicy represents resource resize policy for the container.',
    {
      resourceName: str('Name of the resource to which this resource resize policy applies. Supported values: cpu, memory.', { default: '' }),
      restartPolicy: str('Restart policy to apply when specified resource is resized. If not specified, it defaults to NotRequired.', { default: '' }),
    },
    { required: ['resourceName', 'restartPolicy'] },
  ),
);

/** The fields of a Container (an EphemeralContainer has the same ones plus targetContainerName). */
export const containerFields: Record<string, S> = {
  args: strList(
    'Arguments to the entrypoint. The container image\'s CMD is used if this is not provided. Variable references $(VAR_NAME) are expanded using the container\'s environment. Cannot be updated. More info: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell',
  ),
  command: strList(
    "Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided. Variable references $(VAR_NAME) are expanded using the container's environment. Cannot be updated. More info: https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#running-a-command-in-a-shell",
  ),
  env: listMap('List of environment variables to set in the container. Cannot be updated.', ['name'], EnvVar, 'merge'),
  envFrom: atomic(
    'List of sources to populate environment variables in the container. The keys defined within a source must be a C_IDENTIFIER. All invalid keys will be reported as an event when the container is starting. When a key exists in multiple sources, the value associated with the last source will take precedence. Values defined by an Env with a duplicate key will take precedence. Cannot be updated.',
    EnvFromSource,
  ),
  image: str('Container image name. More info: https://kubernetes.io/docs/concepts/containers/images This field is optional to allow higher level config management to default or override container images in workload controllers like Deployments and StatefulSets.'),
  imagePullPolicy: strEnum(
    'Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise. Cannot be updated. More info: https://kubernetes.io/docs/concepts/containers/images#updating-images',
    ['Always', 'IfNotPresent', 'Never'],
  ),
  lifecycle: field('Actions that the management system should take in response to container lifecycle events. Cannot be updated.', Lifecycle),
  livenessProbe: field('Periodic probe of container liveness. Container will be restarted if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes', Probe),
  name: str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.', { default: '' }),
  ports: list(
    'List of ports to expose from the container. Not specifying a port here DOES NOT prevent that port from being exposed. Any port which is listening on the default "0.0.0.0" address inside a container will be accessible from the network. Modifying this array with strategic merge patch may corrupt the data. Cannot be updated.',
    ContainerPort,
    { listType: 'map', mapKeys: ['containerPort', 'protocol'], mergeKey: 'containerPort', strategy: 'merge' },
  ),
  readinessProbe: field('Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes', Probe),
  resizePolicy: atomic('Resources resize policy for the container.', ContainerResizePolicy),
  resources: field('Compute Resources required by this container. Cannot be updated. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/', ResourceRequirements, { default: {} }),
  restartPolicy: str(
    'RestartPolicy defines the restart behavior of individual containers in a pod. This field may only be set for init containers, and the only allowed value is "Always". Setting the RestartPolicy as "Always" for the init container makes it a sidecar that keeps running.',
  ),
  securityContext: field('SecurityContext defines the security options the container should be run with. If set, the fields of SecurityContext override the equivalent fields of PodSecurityContext. More info: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/', SecurityContext),
  startupProbe: field(
    'StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully. If this probe fails, the Pod will be restarted, just as if the livenessProbe failed. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes',
    Probe,
  ),
  stdin: bool('Whether this container should allocate a buffer for stdin in the container runtime. If this is not set, reads from stdin in the container will always result in EOF. Default is false.'),
  stdinOnce: bool('Whether the container runtime should close the stdin channel after it has been opened by a single attach. When stdin is true the stdin stream will remain open across multiple attach sessions. Default is false.'),
  terminationMessagePath: str(
    "Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. Defaults to /dev/termination-log. Cannot be updated.",
  ),
  terminationMessagePolicy: strEnum(
    'Indicate how the termination message should be populated. File will use the contents of terminationMessagePath to populate the container status message on both success and failure. FallbackToLogsOnError will use the last chunk of container log output if the termination message file is empty and the container exited with an error. Defaults to File. Cannot be updated.',
    ['FallbackToLogsOnError', 'File'],
  ),
  tty: bool("Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. Default is false."),
  volumeDevices: listMap('volumeDevices is the list of block devices to be used by the container.', ['devicePath'], VolumeDevice, 'merge'),
  volumeMounts: listMap("Pod volumes to mount into the container's filesystem. Cannot be updated.", ['mountPath'], VolumeMount, 'merge'),
  workingDir: str("Container's working directory. If not specified, the container runtime's default will be used, which might be configured in the container image. Cannot be updated."),
};

export const Container: S = named(core('Container'), obj('A single application container that you want to run within a pod.', containerFields, { required: ['name'] }));

export const EphemeralContainer: S = named(
  core('EphemeralContainer'),
  obj(
    'An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging. Ephemeral containers have no resource or scheduling guarantees, and they will not be restarted when they exit or when a Pod is removed or restarted.',
    {
      ...containerFields,
      targetContainerName: str(
        'If set, the name of the container from PodSpec that this ephemeral container targets. The ephemeral container will be run in the namespaces (IPC, PID, etc) of this container. If not set then the ephemeral container uses the namespaces configured in the Pod spec.',
      ),
    },
    { required: ['name'] },
  ),
);
