/** Security contexts of containers and pods (core/v1 SecurityContext, PodSecurityContext). */
import { atomic, bool, field, int64, list, named, obj, str, strEnum, strList, type JSONSchemaProps } from '@keelson/api';
import { core } from './refs.js';

type S = JSONSchemaProps;

const SELinuxOptions: S = named(
  core('SELinuxOptions'),
  obj('SELinuxOptions are the labels to be applied to the container', {
    level: str('Level is SELinux level label that applies to the container.'),
    role: str('Role is a SELinux role label that applies to the container.'),
    type: str('Type is a SELinux type label that applies to the container.'),
    user: str('User is a SELinux user label that applies to the container.'),
  }),
);

const profileTypes = ['Localhost', 'RuntimeDefault', 'Unconfined'];

const SeccompProfile: S = named(
  core('SeccompProfile'),
  obj(
    "SeccompProfile defines a pod/container's seccomp profile settings. Only one profile source may be set.",
    {
      localhostProfile: str("localhostProfile indicates a profile defined in a file on the node should be used. The profile must be preconfigured on the node to work. Must be a descending path, relative to the kubelet's configured seccomp profile location. Must be set if type is \"Localhost\". Must NOT be set for any other type."),
      type: strEnum('type indicates which kind of seccomp profile will be applied. Valid options are: Localhost, RuntimeDefault, Unconfined.', profileTypes),
    },
    { required: ['type'], extra: { 'x-kubernetes-unions': [{ discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } }] } },
  ),
);

const AppArmorProfile: S = named(
  core('AppArmorProfile'),
  obj(
    "AppArmorProfile defines a pod or container's AppArmor settings.",
    {
      localhostProfile: str('localhostProfile indicates a profile loaded on the node that should be used. The profile must be preconfigured on the node to work. Must match the loaded name of the profile. Must be set if and only if type is "Localhost".'),
      type: strEnum('type indicates which kind of AppArmor profile will be applied. Valid options are: Localhost, RuntimeDefault, Unconfined.', profileTypes),
    },
    { required: ['type'], extra: { 'x-kubernetes-unions': [{ discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } }] } },
  ),
);

const WindowsSecurityContextOptions: S = named(
  core('WindowsSecurityContextOptions'),
  obj('WindowsSecurityContextOptions contain Windows-specific options and credentials.', {
    gmsaCredentialSpec: str('GMSACredentialSpec is where the GMSA admission webhook inlines the contents of the GMSA credential spec named by the GMSACredentialSpecName field.'),
    gmsaCredentialSpecName: str('GMSACredentialSpecName is the name of the GMSA credential spec to use.'),
    hostProcess: bool("HostProcess determines if a container should be run as a 'Host Process' container."),
    runAsUserName: str('The UserName in Windows to run the entrypoint of the container process. Defaults to the user specified in image metadata if unspecified.'),
  }),
);

const Capabilities: S = named(
  core('Capabilities'),
  obj('Adds and removes POSIX capabilities from running containers.', {
    add: strList('Added capabilities'),
    drop: strList('Removed capabilities'),
  }),
);

const seLinuxOptions = (what: string) => field(`The SELinux context to be applied to the ${what}. If unspecified, the container runtime will allocate a random SELinux context for each container.`, SELinuxOptions);
const runAsGroup = int64('The GID to run the entrypoint of the container process. Uses runtime default if unset.');
const runAsNonRoot = bool('Indicates that the container must run as a non-root user. If true, the Kubelet will validate the image at runtime to ensure that it does not run as UID 0 (root) and fail to start the container if it does.');
const runAsUser = int64('The UID to run the entrypoint of the container process. Defaults to user specified in image metadata if unspecified.');

export const SecurityContext: S = named(
  core('SecurityContext'),
  obj(
    'SecurityContext holds security configuration that will be applied to a container. Some fields are present in both SecurityContext and PodSecurityContext.  When both are set, the values in SecurityContext take precedence.',
    {
      allowPrivilegeEscalation: bool(
        'AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process. AllowPrivilegeEscalation is true always when the container is: 1) run as Privileged 2) has CAP_SYS_ADMIN. Note that this field cannot be set when spec.os.name is windows.',
      ),
      appArmorProfile: field("appArmorProfile is the AppArmor options to use by this container. If set, this profile overrides the pod's appArmorProfile.", AppArmorProfile),
      capabilities: field('The capabilities to add/drop when running containers. Defaults to the default set of capabilities granted by the container runtime.', Capabilities),
      privileged: bool('Run container in privileged mode. Processes in privileged containers are essentially equivalent to root on the host. Defaults to false.'),
      procMount: strEnum('procMount denotes the type of proc mount to use for the containers. The default value is Default which uses the container runtime defaults for readonly paths and masked paths.', ['Default', 'Unmasked']),
      readOnlyRootFilesystem: bool('Whether this container has a read-only root filesystem. Default is false.'),
      runAsGroup,
      runAsNonRoot,
      runAsUser,
      seLinuxOptions: seLinuxOptions('container'),
      seccompProfile: field('The seccomp options to use by this container. If seccomp options are provided at both the pod & container level, the container options override the pod options.', SeccompProfile),
      windowsOptions: field('The Windows specific settings applied to all containers.', WindowsSecurityContextOptions),
    },
  ),
);

const Sysctl: S = named(
  core('Sysctl'),
  obj('Sysctl defines a kernel parameter to be set', { name: str('Name of a property to set', { default: '' }), value: str('Value of a property to set', { default: '' }) }, { required: ['name', 'value'] }),
);

export const PodSecurityContext: S = named(
  core('PodSecurityContext'),
  obj(
    'PodSecurityContext holds pod-level security attributes and common container settings. Some fields are also present in container.securityContext.  Field values of container.securityContext take precedence over field values of PodSecurityContext.',
    {
      appArmorProfile: field('appArmorProfile is the AppArmor options to use by the containers in this pod.', AppArmorProfile),
      fsGroup: int64('A special supplemental group that applies to all containers in a pod. Some volume types allow the Kubelet to change the ownership of that volume to be owned by the pod.'),
      fsGroupChangePolicy: strEnum('fsGroupChangePolicy defines behavior of changing ownership and permission of the volume before being exposed inside Pod. Valid values are "OnRootMismatch" and "Always". If not specified, "Always" is used.', ['Always', 'OnRootMismatch']),
      runAsGroup,
      runAsNonRoot,
      runAsUser,
      seLinuxChangePolicy: str('seLinuxChangePolicy defines how the container\'s SELinux label is applied to all volumes used by the Pod. Valid values are "MountOption" and "Recursive".'),
      seLinuxOptions: seLinuxOptions('all containers'),
      seccompProfile: field('The seccomp options to use by the containers in this pod.', SeccompProfile),
      supplementalGroups: list('A list of groups applied to the first process run in each container, in addition to the container\'s primary GID and fsGroup (if specified).', { type: 'integer', format: 'int64', default: 0 }, { listType: 'atomic' }),
      supplementalGroupsPolicy: strEnum('Defines how supplemental groups of the first container processes are calculated. Valid values are "Merge" and "Strict". If not specified, "Merge" is used.', ['Merge', 'Strict']),
      sysctls: atomic('Sysctls hold a list of namespaced sysctls used for the pod. Pods with unsupported sysctls (by the container runtime) might fail to launch.', Sysctl),
      windowsOptions: field('The Windows specific settings applied to all containers.', WindowsSecurityContextOptions),
    },
  ),
);
