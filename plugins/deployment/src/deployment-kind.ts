/** apps/v1 Deployment: defaults and validation as kube-apiserver (pkg/apis/apps/{v1,validation}), status and scale subresources. */
import { type Deployment, defineKind, fieldError, type FieldError, type LabelSelector, nothing } from '@keelson/api';
import { defaultPodTemplate, goLabelSelector, replicasScale, validateNonNegative, validatePodTemplate, validateSelector } from '@keelson/plugin-replicaset';
import { deploymentColumns } from './printers.js';
import { DeploymentSchema } from './schema.js';

const PERCENT_MESSAGE = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** SetDefaults_Deployment (apps/v1). */
export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {} as NonNullable<Deployment['spec']>);
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

/** ValidatePositiveIntOrPercent. */
function validateIntOrPercent(v: number | string | undefined, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return /^[0-9]+%$/.test(v) ? [] : [fieldError('FieldValueInvalid', path, `"${v}": ${PERCENT_MESSAGE}`)];
  return validateNonNegative(v, path);
}

function isZero(v: number | string | undefined): boolean {
  return v === 0 || v === '0%';
}

/** ValidateDeploymentStrategy and ValidateRollingUpdateDeployment. */
function validateStrategy(d: Deployment): FieldError[] {
  const strategy = d.spec?.strategy ?? {};
  const path = 'spec.strategy';
  const errs: FieldError[] = [];
  if (strategy.type === 'Recreate') {
    if (strategy.rollingUpdate) errs.push(fieldError('FieldValueForbidden', `${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"));
  } else if (strategy.type === 'RollingUpdate') {
    const ru = strategy.rollingUpdate;
    if (!ru) errs.push(fieldError('FieldValueRequired', `${path}.rollingUpdate`, 'this should be defaulted and never be nil'));
    else {
      const p = `${path}.rollingUpdate`;
      errs.push(...validateIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`));
      errs.push(...validateIntOrPercent(ru.maxSurge, `${p}.maxSurge`));
      if (isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
        errs.push(fieldError('FieldValueInvalid', `${p}.maxUnavailable`, `${JSON.stringify(ru.maxUnavailable)}: may not be 0 when \`maxSurge\` is 0`));
      }
      if (typeof ru.maxUnavailable === 'string' && /^[0-9]+%$/.test(ru.maxUnavailable) && Number(ru.maxUnavailable.slice(0, -1)) > 100) {
        errs.push(fieldError('FieldValueInvalid', `${p}.maxUnavailable`, `"${ru.maxUnavailable}": must not be greater than 100%`));
      }
    }
  } else if (strategy.type === undefined) {
    errs.push(fieldError('FieldValueRequired', `${path}.type`, ''));
  } else {
    errs.push(fieldError('FieldValueNotSupported', `${path}.type`, `"${strategy.type}": supported values: "Recreate", "RollingUpdate"`));
  }
  return errs;
}

/** ValidateDeploymentSpec (+ selector immutability on update, apps/v1). */
export function validateDeployment(d: Deployment, old?: Deployment): FieldError[] {
  const spec = d.spec;
  const errs: FieldError[] = [];
  errs.push(...validateNonNegative(spec?.replicas, 'spec.replicas'));
  const { errs: selErrs, selector } = validateSelector(spec?.selector, 'spec.selector');
  errs.push(...selErrs);
  if (selector || !spec?.selector) errs.push(...validatePodTemplate(spec?.template, selector ?? nothing(), 'spec.template', 'ReplicaSet'));
  errs.push(...validateStrategy(d));
  errs.push(...validateNonNegative(spec?.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonNegative(spec?.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pds = spec?.progressDeadlineSeconds;
  if (pds !== undefined && pds !== null) {
    errs.push(...validateNonNegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= (spec?.minReadySeconds ?? 0)) errs.push(fieldError('FieldValueInvalid', 'spec.progressDeadlineSeconds', `${pds}: must be greater than minReadySeconds`));
  }
  if (old && JSON.stringify(canonical(spec?.selector)) !== JSON.stringify(canonical(old.spec?.selector))) {
    errs.push(fieldError('FieldValueInvalid', 'spec.selector', `${goLabelSelector(spec?.selector)}: field is immutable`));
  }
  if (old) errs.push(...validateDeploymentStatus(d.status));
  return errs;
}

/** ValidateDeploymentStatus (on updates). */
export function validateDeploymentStatus(status: Deployment['status']): FieldError[] {
  if (!status) return [];
  const errs: FieldError[] = [];
  for (const f of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount'] as const) {
    errs.push(...validateNonNegative(status[f], `status.${f}`));
  }
  const replicas = status.replicas ?? 0;
  const more = (f: 'updatedReplicas' | 'readyReplicas' | 'availableReplicas', than: number, name: string) => {
    const v = status[f] ?? 0;
    if (v > than) errs.push(fieldError('FieldValueInvalid', `status.${f}`, `${v}: cannot be greater than ${name}`));
  };
  more('updatedReplicas', replicas, 'status.replicas');
  more('readyReplicas', replicas, 'status.replicas');
  more('availableReplicas', replicas, 'status.replicas');
  more('availableReplicas', status.readyReplicas ?? 0, 'readyReplicas');
  return errs;
}

/** Key-order-insensitive form of a selector, for the immutability check. */
function canonical(ls: LabelSelector | undefined): unknown {
  if (!ls) return null;
  const labels = Object.fromEntries(Object.entries(ls.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { matchLabels: labels, matchExpressions: (ls.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator, values: e.values ?? [] })) };
}

export const DeploymentKind = defineKind<Deployment>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  tracksGeneration: true,
  subresources: {
    status: true,
    scale: replicasScale,
  },
  printerColumns: deploymentColumns,
  schema: DeploymentSchema,
  defaults: defaultDeployment,
  prepareForCreate(d) {
    d.status = {};
  },
  validate: validateDeployment,
});
