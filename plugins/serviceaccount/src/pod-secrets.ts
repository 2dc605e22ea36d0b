import type { Container, Pod, ServiceAccount } from '@keelson/api';

type Ref = { name?: string; secretName?: string } | undefined;

/** A pod's containers of every kind (kube's podutil.AllContainers), ephemeral ones included. */
function allContainers(pod: Pod): Container[] {
  const spec = pod.spec as (Pod['spec'] & { ephemeralContainers?: Container[] }) | undefined;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}

/** The volume sources that name a Secret, and where: kube's VisitPodSecretNames, volume part. */
function volumeSecretNames(volume: Record<string, unknown>): string[] {
  const src = volume as Record<string, Record<string, unknown> | undefined>;
  const names: (string | undefined)[] = [
    (src.secret as Ref)?.secretName,
    (src.azureFile as Ref)?.secretName,
    ...['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos'].map((k) => (src[k]?.secretRef as Ref)?.name),
    (src.csi?.nodePublishSecretRef as Ref)?.name,
    ...((src.projected?.sources as { secret?: Ref }[] | undefined) ?? []).map((s) => s.secret?.name),
  ];
  return names.filter((n): n is string => !!n);
}

/** Every Secret name a pod references: pull secrets, env and envFrom of all containers, volumes. */
export function podSecretNames(pod: Pod): string[] {
  const names: string[] = (pod.spec?.imagePullSecrets ?? []).map((r) => r.name ?? '').filter(Boolean);
  for (const c of allContainers(pod)) {
    for (const e of c.envFrom ?? []) if (e.secretRef?.name) names.push(e.secretRef.name);
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef?.name) names.push(e.valueFrom.secretKeyRef.name);
  }
  for (const v of pod.spec?.volumes ?? []) names.push(...volumeSecretNames(v as unknown as Record<string, unknown>));
  return names;
}

/** True if a volume projects a service account token. */
export function projectsServiceAccountToken(pod: Pod): boolean {
  return (pod.spec?.volumes ?? []).some((v) => (v.projected?.sources ?? []).some((s) => s.serviceAccountToken !== undefined));
}

/** kube's EnforceMountableSecretsAnnotation: "true" limits a pod to the secrets its account lists. */
export const ENFORCE_MOUNTABLE_SECRETS_ANNOTATION = 'kubernetes.io/enforce-mountable-secrets';

/** Go's strconv.ParseBool, true side. */
const goTrue = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

export function enforcesMountableSecrets(sa: ServiceAccount): boolean {
  return goTrue.has(sa.metadata.annotations?.[ENFORCE_MOUNTABLE_SECRETS_ANNOTATION] ?? '');
}

/**
 * kube's limitSecretReferences: with enforcement on, a pod may mount as volumes and read through
 * env only the secrets its ServiceAccount lists in `secrets`, and pull only with those in
 * `imagePullSecrets`. Returns the reason a pod breaks the rule, or undefined.
 */
export function secretReferenceViolation(sa: ServiceAccount, pod: Pod): string | undefined {
  const saName = sa.metadata.name;
  const mountable = new Set((sa.secrets ?? []).map((s) => s.name ?? ''));
  for (const v of pod.spec?.volumes ?? []) {
    const name = v.secret?.secretName;
    if (v.secret && !mountable.has(name ?? '')) return `volume with secret.secretName="${name ?? ''}" is not allowed because service account ${saName} does not reference that secret`;
  }
  const envCheck = (containers: Container[] | undefined, what: string) => {
    for (const c of containers ?? []) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !mountable.has(ref.name ?? '')) {
          return `${what} ${c.name} with envVar ${e.name} referencing secret.secretName="${ref.name ?? ''}" is not allowed because service account ${saName} does not reference that secret`;
        }
      }
    }
    return undefined;
  };
  const envViolation = envCheck(pod.spec?.initContainers, 'init container') ?? envCheck(pod.spec?.containers, 'container');
  if (envViolation) return envViolation;
  const pullable = new Set((sa.imagePullSecrets ?? []).map((s) => s.name ?? ''));
  for (const [i, ref] of (pod.spec?.imagePullSecrets ?? []).entries()) {
    if (!pullable.has(ref.name ?? '')) return `imagePullSecrets[${i}].name="${ref.name ?? ''}" is not allowed because service account ${saName} does not reference that imagePullSecret`;
  }
  return undefined;
}
