/**
 * Pod templates of workload kinds (ReplicaSet, ReplicationController, later Deployment):
 * defaulting and validation as kube-apiserver does for a PodTemplateSpec, and the pod a
 * controller creates from one (kube's GetPodFromTemplate).
 */
import { fieldError, type FieldError, type OwnerReference, type Pod, type PodTemplateSpec, type ScaleSubresource, type Selector, validateLabels } from '@keelson/api';
import { PodKind } from '@keelson/plugin-core';

/** Pod-only defaults that a template does not get (they come from pod defaulting and admission). */
const podOnlyDefaults = ['enableServiceLinks', 'preemptionPolicy', 'priority'] as const;

/** SetDefaults_PodSpec and the container defaults, applied to a template's spec in place. */
/** The scale subresource of the replicated workload kinds (ReplicaSet, ReplicationController, Deployment). */
export const replicasScale: ScaleSubresource = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };

export function defaultPodTemplate(template: PodTemplateSpec | undefined): void {
  if (!template?.spec) return;
  const spec = template.spec;
  const had = new Set(podOnlyDefaults.filter((k) => spec[k] !== undefined));
  PodKind.defaults!({ metadata: {}, spec });
  for (const k of podOnlyDefaults) if (!had.has(k)) delete spec[k];
}

/** Go's %#v of a map[string]string (sorted keys), as kube prints a field's value in messages. */
export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (!m) return 'map[string]string(nil)';
  const body = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`)
    .join(', ');
  return `map[string]string{${body}}`;
}

/**
 * ValidatePodTemplateSpecFor{ReplicaSet,RC}: the template is required, its labels must be
 * selected by the selector, its pod spec valid with restartPolicy Always and no activeDeadlineSeconds.
 * `kindName` words the activeDeadlineSeconds message ("ReplicaSet", "ReplicationController").
 */
export function validatePodTemplate(template: PodTemplateSpec | undefined, selector: Selector | undefined, path: string, kindName: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!template) return [fieldError('FieldValueRequired', path, '')];
  const labels = template.metadata?.labels;
  if (selector && !selector.empty() && !selector.matches(labels ?? {})) {
    errs.push(fieldError('FieldValueInvalid', `${path}.metadata.labels`, `${goStringMap(labels)}: \`selector\` does not match template \`labels\``));
  }
  for (const l of validateLabels(labels)) errs.push(fieldError('FieldValueInvalid', `${path}.metadata.labels`, `"${l.value ?? l.key}": ${l.message}`));
  const spec = template.spec;
  const podErrs = PodKind.validate!({ metadata: { name: 'template' }, spec: spec ?? { containers: [] } } as Pod) ?? [];
  for (const e of podErrs) errs.push({ ...e, field: `${path}.${e.field}` });
  if ((spec?.restartPolicy ?? 'Always') !== 'Always') {
    errs.push(fieldError('FieldValueNotSupported', `${path}.spec.restartPolicy`, `"${spec!.restartPolicy}": supported values: "Always"`));
  }
  if (spec?.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(fieldError('FieldValueInvalid', `${path}.spec.activeDeadlineSeconds`, `${spec.activeDeadlineSeconds}: activeDeadlineSeconds in ${kindName} is not Supported`));
  }
  return errs;
}

/** ValidateNonnegativeField. */
export function validateNonNegative(value: number | undefined, path: string): FieldError[] {
  if (value === undefined || value === null) return [];
  if (!Number.isInteger(value) || value < 0) return [fieldError('FieldValueInvalid', path, `${value}: must be greater than or equal to 0`)];
  return [];
}

/**
 * The pod a controller creates from its template (kube's GetPodFromTemplate): the template's
 * labels, annotations, finalizers and spec, generateName "<controller name>-", and the controller
 * owner reference.
 */
export function podFromTemplate(template: PodTemplateSpec, namespace: string, controllerName: string, controllerRef: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${controllerName}-`,
      namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers?.length ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [{ ...controllerRef }],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
  return pod;
}

/** metav1.NewControllerRef: controller and blockOwnerDeletion set. */
export function newControllerRef(owner: { metadata: { name?: string; uid?: string } }, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}
