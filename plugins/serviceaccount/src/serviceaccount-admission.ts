import { forbidden, isNotFound, type Namespace, type Pod, type ServiceAccount } from '@keelson/api';
import type { AdmissionPlugin, AdmissionRequest } from '@keelson/core';
import { NamespaceKind, ServiceAccountKind } from '@keelson/plugin-core';
import { DEFAULT_SERVICE_ACCOUNT_NAME, ensureServiceAccount } from './default-service-account.js';
import { enforcesMountableSecrets, podSecretNames, projectsServiceAccountToken, secretReferenceViolation } from './pod-secrets.js';
import { mountServiceAccountToken, simpleNameGenerator } from './token-volume.js';

/** The annotation the kubelet puts on the mirror pods of its static pods (kube's MirrorPodAnnotationKey). */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

export interface ServiceAccountAdmissionOptions {
  /** Draws the kube-api-access volume's name from its prefix (default: kube's SimpleNameGenerator). */
  generateName?: (base: string) => string;
}

/** The account a pod runs as, or why there is none. */
type Lookup = { sa: ServiceAccount } | { missing: true; namespaceActive: boolean };

const isMirrorPod = (pod: Pod) => pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;

function forbid(req: AdmissionRequest, message: string) {
  return forbidden(req.name ? `pods "${req.name}" is forbidden: ${message}` : `pods is forbidden: ${message}`);
}

/** kube's 403 for an account that is not there (its NotFound error, worded for the resource "serviceaccount"). */
function missingAccount(req: AdmissionRequest, name: string) {
  return forbid(req, `error looking up service account ${req.namespace}/${name}: serviceaccount "${name}" not found`);
}

async function namespaceIsActive(req: AdmissionRequest): Promise<boolean> {
  try {
    const ns = await req.client.get<Namespace>(NamespaceKind, req.namespace!);
    return ns.status?.phase === 'Active' && !ns.metadata.deletionTimestamp;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Finds the pod's ServiceAccount. Deviation from kube, on purpose: kube's admission retries the
 * "default" account for 1-2 s, because kube-controller-manager (another process) creates it and a
 * pod posted right after its namespace races that. Keelson neither races nor sleeps: when the
 * missing account is "default" and the namespace is active, the admission creates it itself, with
 * the same idempotent create the serviceaccount controller does (AlreadyExists is fine). A dry run
 * writes nothing: it is admitted against the empty account that the real request would create.
 */
async function lookUp(req: AdmissionRequest, name: string): Promise<Lookup> {
  const namespace = req.namespace!;
  try {
    return { sa: await req.client.get<ServiceAccount>(ServiceAccountKind, name, { namespace }) };
  } catch (err) {
    if (!isNotFound(err)) throw forbid(req, `error looking up service account ${namespace}/${name}: ${(err as Error).message}`);
  }
  const namespaceActive = await namespaceIsActive(req);
  if (name !== DEFAULT_SERVICE_ACCOUNT_NAME || !namespaceActive) return { missing: true, namespaceActive };
  const empty: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
  if (req.dryRun) return { sa: empty };
  const created = await ensureServiceAccount(req.client, namespace, name);
  if (created) return { sa: created };
  try {
    return { sa: await req.client.get<ServiceAccount>(ServiceAccountKind, name, { namespace }) };
  } catch (err) {
    if (isNotFound(err)) return { missing: true, namespaceActive }; // created and deleted again meanwhile
    throw err;
  }
}

/** kube's shouldAutomount: the pod's choice, else its account's, else yes. */
export function shouldAutomount(sa: ServiceAccount, pod: Pod): boolean {
  return pod.spec?.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
}

/** kube's restrictions on mirror pods: no account, no secrets, no projected tokens. */
function validateMirrorPod(req: AdmissionRequest, pod: Pod): void {
  if (pod.spec?.serviceAccountName) throw forbid(req, 'a mirror pod may not reference service accounts');
  if (podSecretNames(pod).length > 0) throw forbid(req, 'a mirror pod may not reference secrets');
  if (projectsServiceAccountToken(pod)) throw forbid(req, 'a mirror pod may not use ServiceAccountToken volume projections');
}

/**
 * kube-apiserver's ServiceAccount admission, on pod creation (mutating and validating):
 * - mirror pods are not changed, only held to kube's restrictions;
 * - an empty spec.serviceAccountName becomes "default" (spec.serviceAccount, the deprecated alias,
 *   shows the same, as kube's v1 conversion does);
 * - the account must exist, else 403 (see lookUp for the "default" one);
 * - unless automountServiceAccountToken is false (pod first, then account), the projected
 *   kube-api-access-xxxxx volume and its read-only mount in every container (token-volume.ts);
 * - a pod without imagePullSecrets gets its account's;
 * - an account annotated kubernetes.io/enforce-mountable-secrets=true limits the pod's secrets.
 */
export function serviceAccountAdmission(opts: ServiceAccountAdmissionOptions = {}): AdmissionPlugin {
  const generateName = opts.generateName ?? simpleNameGenerator;
  return {
    name: 'ServiceAccount',
    operations: ['CREATE'],
    resources: ['/pods'],
    async mutate(req) {
      if (req.subresource) return;
      const pod = req.object as Pod;
      if (isMirrorPod(pod)) return;
      const spec = (pod.spec ??= { containers: [] });
      spec.serviceAccountName ||= DEFAULT_SERVICE_ACCOUNT_NAME;
      spec.serviceAccount = spec.serviceAccountName;
      const found = await lookUp(req, spec.serviceAccountName);
      if ('missing' in found) {
        // A namespace that is missing or being deleted is NamespaceLifecycle's to answer (404 / 403),
        // as in kube, where it runs first; validate() still refuses the pod if nothing else does.
        if (!found.namespaceActive) return;
        throw missingAccount(req, spec.serviceAccountName);
      }
      if (shouldAutomount(found.sa, pod)) mountServiceAccountToken(pod, generateName);
      if (!spec.imagePullSecrets?.length && found.sa.imagePullSecrets?.length) {
        spec.imagePullSecrets = found.sa.imagePullSecrets.map((r) => ({ name: r.name }));
      }
    },
    async validate(req) {
      if (req.subresource) return;
      const pod = req.object as Pod;
      if (isMirrorPod(pod)) return validateMirrorPod(req, pod);
      const name = pod.spec?.serviceAccountName;
      if (!name) throw forbid(req, `no service account specified for pod ${req.namespace}/${pod.metadata.name ?? ''}`);
      const found = await lookUp(req, name);
      if ('missing' in found) throw missingAccount(req, name);
      if (enforcesMountableSecrets(found.sa)) {
        const violation = secretReferenceViolation(found.sa, pod);
        if (violation) throw forbid(req, violation);
      }
    },
  };
}
