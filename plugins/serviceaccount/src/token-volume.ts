import type { Container, Pod, Volume, VolumeMount } from '@keelson/api';
import { randomNameSuffix } from '@keelson/core';

/** Prefix of the projected volume that carries a pod's API credentials (kube's ServiceAccountVolumeName). */
export const SERVICE_ACCOUNT_VOLUME_NAME = 'kube-api-access';

/** Where every container finds them (kube's DefaultAPITokenMountPath). */
export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The token's lifetime as the volume asks for it: kube's WarnOnlyBoundTokenExpirationSeconds
 * (1 h + 7 s; the API server recognises that odd value and issues a longer-lived token).
 */
export const TOKEN_EXPIRATION_SECONDS = 3607;

/** The ConfigMap the root CA is published in (kube's root-ca-cert-publisher; Keelson publishes none). */
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';

/** kube's names.SimpleNameGenerator: the base followed by 5 characters from utilrand's alphabet. */
export const simpleNameGenerator = (base: string): string => base + randomNameSuffix(5);

/** kube's TokenVolumeSource: token, root CA and namespace, projected with mode 0644 (420). */
export function tokenVolumeSource(): NonNullable<Volume['projected']> {
  return {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: ROOT_CA_CONFIG_MAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/**
 * kube's mountServiceAccountToken: every container and init container that mounts nothing at
 * DEFAULT_API_TOKEN_MOUNT_PATH gets a read-only mount of the pod's kube-api-access volume, and the
 * volume is added when some container needed it. A pod that already has a "kube-api-access-*"
 * volume keeps it (its mounts use that name) and gets no second one.
 */
export function mountServiceAccountToken(pod: Pod, generateName: (base: string) => string = simpleNameGenerator): void {
  const spec = pod.spec!;
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(`${SERVICE_ACCOUNT_VOLUME_NAME}-`));
  const volumeName = existing?.name ?? generateName(`${SERVICE_ACCOUNT_VOLUME_NAME}-`);
  const mount: VolumeMount = { mountPath: DEFAULT_API_TOKEN_MOUNT_PATH, name: volumeName, readOnly: true };
  let needsVolume = false;
  const addMount = (c: Container) => {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) return;
    c.volumeMounts = [...(c.volumeMounts ?? []), { ...mount }];
    needsVolume = true;
  };
  for (const c of spec.initContainers ?? []) addMount(c);
  for (const c of spec.containers ?? []) addMount(c);
  if (!existing && needsVolume) spec.volumes = [...(spec.volumes ?? []), { name: volumeName, projected: tokenVolumeSource() }];
}
