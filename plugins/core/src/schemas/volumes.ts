/** core/v1 Volume and its common sources. */
import { atomic, bool, field, int32, int64, LabelSelectorSchema, named, obj, quantity, str, strEnum, strMap, type JSONSchemaProps } from '@keelson/api';
import { ObjectFieldSelector, ResourceFieldSelector } from './container.js';
import { core, LocalObjectReference } from './refs.js';

type S = JSONSchemaProps;

const refName = () =>
  str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names', { default: '' });
const mode = (what: string) =>
  int32(`${what} mode bits used to set permissions on created files by default. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511. YAML accepts both octal and decimal values, JSON requires decimal values for mode bits.`);

const KeyToPath: S = named(
  core('KeyToPath'),
  obj(
    'Maps a string key to a path within a volume.',
    {
      key: str('key is the key to project.', { default: '' }),
      mode: int32('mode is Optional: mode bits used to set permissions on this file. Must be an octal value between 0000 and 0777 or a decimal value between 0 and 511.'),
      path: str("path is the relative path of the file to map the key to. May not be an absolute path. May not contain the path element '..'. May not start with the string '..'.", { default: '' }),
    },
    { required: ['key', 'path'] },
  ),
);

const items = (what: string) =>
  atomic(
    `items if unspecified, each key-value pair in the Data field of the referenced ${what} will be projected into the volume as a file whose name is the key and content is the value. If specified, the listed keys will be projected into the specified paths, and unlisted keys will not be present.`,
    KeyToPath,
  );

const ConfigMapVolumeSource: S = named(
  core('ConfigMapVolumeSource'),
  obj("Adapts a ConfigMap into a volume. The contents of the target ConfigMap's Data field will be presented in a volume as files using the keys in the Data field as the file names, unless the items element is populated with specific mappings of keys to paths.", {
    defaultMode: mode('defaultMode is optional:'),
    items: items('ConfigMap'),
    name: refName(),
    optional: bool('optional specify whether the ConfigMap or its keys must be defined'),
  }),
);

const SecretVolumeSource: S = named(
  core('SecretVolumeSource'),
  obj("Adapts a Secret into a volume. The contents of the target Secret's Data field will be presented in a volume as files using the keys in the Data field as the file names. Secret volumes support ownership management and SELinux relabeling.", {
    defaultMode: mode('defaultMode is Optional:'),
    items: items('Secret'),
    optional: bool('optional field specify whether the Secret or its keys must be defined'),
    secretName: str("secretName is the name of the secret in the pod's namespace to use. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret"),
  }),
);

const EmptyDirVolumeSource: S = named(
  core('EmptyDirVolumeSource'),
  obj('Represents an empty directory for a pod. Empty directory volumes support ownership management and SELinux relabeling.', {
    medium: str('medium represents what type of storage medium should back this directory. The default is "" which means to use the node\'s default medium. Must be an empty string (default) or Memory. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir'),
    sizeLimit: quantity(
      'sizeLimit is the total amount of local storage required for this EmptyDir volume. The size limit is also applicable for memory medium. The default is nil which means that the limit is undefined. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir',
    ),
  }),
);

const HostPathVolumeSource: S = named(
  core('HostPathVolumeSource'),
  obj(
    'Represents a host path mapped into a pod. Host path volumes do not support ownership management or SELinux relabeling.',
    {
      path: str('path of the directory on the host. If the path is a symlink, it will follow the link to the real path. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath', { default: '' }),
      type: strEnum('type for HostPath Volume Defaults to "" More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath', ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket']),
    },
    { required: ['path'] },
  ),
);

const PersistentVolumeClaimVolumeSource: S = named(
  core('PersistentVolumeClaimVolumeSource'),
  obj(
    "PersistentVolumeClaimVolumeSource references the user's PVC in the same namespace. This volume finds the bound PV and mounts that volume for the pod.",
    {
      claimName: str('claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims', { default: '' }),
      readOnly: bool('readOnly Will force the ReadOnly setting in VolumeMounts. Default false.'),
    },
    { required: ['claimName'] },
  ),
);

const DownwardAPIVolumeFile: S = named(
  core('DownwardAPIVolumeFile'),
  obj(
    'DownwardAPIVolumeFile represents information to create the file containing the pod field',
    {
      fieldRef: field('Required: Selects a field of the pod: only annotations, labels, name, namespace and uid are supported.', ObjectFieldSelector),
      mode: int32('Optional: mode bits used to set permissions on this file, must be an octal value between 0000 and 0777 or a decimal value between 0 and 511.'),
      path: str("Required: Path is  the relative path name of the file to be created. Must not be absolute or contain the '..' path. Must be utf-8 encoded. The first item of the relative path must not start with '..'", { default: '' }),
      resourceFieldRef: field('Selects a resource of the container: only resources limits and requests (limits.cpu, limits.memory, requests.cpu and requests.memory) are currently supported.', ResourceFieldSelector),
    },
    { required: ['path'] },
  ),
);

const downwardItems = atomic('Items is a list of downward API volume file', DownwardAPIVolumeFile);

const DownwardAPIVolumeSource: S = named(
  core('DownwardAPIVolumeSource'),
  obj('DownwardAPIVolumeSource represents a volume containing downward API info. Downward API volumes support ownership management and SELinux relabeling.', {
    defaultMode: mode('Optional:'),
    items: downwardItems,
  }),
);

const projection = (what: string) =>
  named(
    core(`${what}Projection`),
    obj(`Adapts a ${what} into a projected volume. The contents of the target ${what}'s Data field will be presented in a projected volume as files using the keys in the Data field as the file names.`, {
      items: items(what),
      name: refName(),
      optional: bool(`optional field specify whether the ${what} or its keys must be defined`),
    }),
  );

const VolumeProjection: S = named(
  core('VolumeProjection'),
  obj('Projection that may be projected along with other supported volume types. Exactly one of these fields must be set.', {
    clusterTrustBundle: field(
      'ClusterTrustBundle allows a pod to access the `.spec.trustBundle` field of ClusterTrustBundle objects in an auto-updating file.',
      named(
        core('ClusterTrustBundleProjection'),
        obj(
          'ClusterTrustBundleProjection describes how to select a set of ClusterTrustBundle objects and project their contents into the pod filesystem.',
          {
            labelSelector: field('Select all ClusterTrustBundles that match this label selector.', LabelSelectorSchema),
            name: str('Select a single ClusterTrustBundle by object name.  Mutually-exclusive with signerName and labelSelector.'),
            optional: bool("If true, don't block pod startup if the referenced ClusterTrustBundle(s) aren't available."),
            path: str('Relative path from the volume root to write the bundle.', { default: '' }),
            signerName: str('Select all ClusterTrustBundles that match this signer name. Mutually-exclusive with name.'),
          },
          { required: ['path'] },
        ),
      ),
    ),
    configMap: field('configMap information about the configMap data to project', projection('ConfigMap')),
    downwardAPI: field(
      'downwardAPI information about the downwardAPI data to project',
      named(core('DownwardAPIProjection'), obj('Represents downward API info for projecting into a projected volume.', { items: downwardItems })),
    ),
    secret: field('secret information about the secret data to project', projection('Secret')),
    serviceAccountToken: field(
      'serviceAccountToken is information about the serviceAccountToken data to project',
      named(
        core('ServiceAccountTokenProjection'),
        obj(
          'ServiceAccountTokenProjection represents a projected service account token volume. This projection can be used to insert a service account token into the pods runtime filesystem for use against APIs (Kubernetes API Server or otherwise).',
          {
            audience: str('audience is the intended audience of the token. A recipient of a token must identify itself with an identifier specified in the audience of the token, and otherwise should reject the token.'),
            expirationSeconds: int64('expirationSeconds is the requested duration of validity of the service account token. Defaults to 1 hour and must be at least 10 minutes.'),
            path: str('path is the path relative to the mount point of the file to project the token into.', { default: '' }),
          },
          { required: ['path'] },
        ),
      ),
    ),
  }),
);

const ProjectedVolumeSource: S = named(
  core('ProjectedVolumeSource'),
  obj('Represents a projected volume source', {
    defaultMode: mode('defaultMode are the'),
    sources: atomic('sources is the list of volume projections. Each entry in this list handles one source.', VolumeProjection),
  }),
);

const NFSVolumeSource: S = named(
  core('NFSVolumeSource'),
  obj(
    'Represents an NFS mount that lasts the lifetime of a pod. NFS volumes do not support ownership management or SELinux relabeling.',
    {
      path: str('path that is exported by the NFS server. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs', { default: '' }),
      readOnly: bool('readOnly here will force the NFS export to be mounted with read-only permissions. Defaults to false.'),
      server: str('server is the hostname or IP address of the NFS server. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs', { default: '' }),
    },
    { required: ['server', 'path'] },
  ),
);

const CSIVolumeSource: S = named(
  core('CSIVolumeSource'),
  obj(
    'Represents a source location of a volume to mount, managed by an external CSI driver',
    {
      driver: str('driver is the name of the CSI driver that handles this volume. Consult with your admin for the correct name as registered in the cluster.', { default: '' }),
      fsType: str('fsType to mount. Ex. "ext4", "xfs", "ntfs". If not provided, the empty value is passed to the associated CSI driver which will determine the default filesystem to apply.'),
      nodePublishSecretRef: field('nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodePublishVolume and NodeUnpublishVolume calls.', LocalObjectReference),
      readOnly: bool('readOnly specifies a read-only configuration for the volume. Defaults to false (read/write).'),
      volumeAttributes: strMap("volumeAttributes stores driver-specific properties that are passed to the CSI driver. Consult your driver's documentation for supported values."),
    },
    { required: ['driver'] },
  ),
);

const ImageVolumeSource: S = named(
  core('ImageVolumeSource'),
  obj('ImageVolumeSource represents a image volume resource.', {
    pullPolicy: strEnum('Policy for pulling OCI objects. Possible values are: Always, Never, IfNotPresent.', ['Always', 'IfNotPresent', 'Never']),
    reference: str('Required: Image or artifact reference to be used. Behaves in the same way as pod.spec.containers[*].image.'),
  }),
);

export const Volume: S = named(
  core('Volume'),
  obj(
    'Volume represents a named volume in a pod that may be accessed by any container in the pod.',
    {
      configMap: field('configMap represents a configMap that should populate this volume', ConfigMapVolumeSource),
      csi: field('csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers.', CSIVolumeSource),
      downwardAPI: field('downwardAPI represents downward API about the pod that should populate this volume', DownwardAPIVolumeSource),
      emptyDir: field("emptyDir represents a temporary directory that shares a pod's lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir", EmptyDirVolumeSource),
      ephemeral: obj('ephemeral represents a volume that is handled by a cluster storage driver. The volume\'s lifecycle is tied to the pod that defines it - it will be created before the pod starts, and deleted when the pod is removed.', {}, { extra: { 'x-kubernetes-preserve-unknown-fields': true } }),
      hostPath: field(
        'hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container. This is generally used for system agents or other privileged things that are allowed to see the host machine. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath',
        HostPathVolumeSource,
      ),
      image: field("image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet's host machine.", ImageVolumeSource),
      name: str("name of the volume. Must be a DNS_LABEL and unique within the pod. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names", { default: '' }),
      nfs: field('nfs represents an NFS mount on the host that shares a pod\'s lifetime More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs', NFSVolumeSource),
      persistentVolumeClaim: field(
        'persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
        PersistentVolumeClaimVolumeSource,
      ),
      projected: field('projected items for all in one resources secrets, configmaps, and downward API', ProjectedVolumeSource),
      secret: field('secret represents a secret that should populate this volume. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret', SecretVolumeSource),
    },
    { required: ['name'] },
  ),
);
