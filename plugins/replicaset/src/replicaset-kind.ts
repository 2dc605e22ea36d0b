import { defineKind, fieldError, type FieldError, type LabelSelector, labelSelectorAsSelector, nothing, type ReplicaSet, type Selector, SelectorParseError } from '@keelson/api';
import { replicaSetColumns } from './printers.js';
import { ReplicaSetSchema } from './schemas.js';
import { validateReplicaStatus } from './status-validation.js';
import { defaultPodTemplate, replicasScale, validateNonNegative, validatePodTemplate } from './template.js';

/** Go's %#v of a *metav1.LabelSelector, as kube prints it in "field is immutable". */
export function goLabelSelector(ls: LabelSelector | undefined): string {
  if (!ls) return 'null';
  const labels = ls.matchLabels
    ? `map[string]string{${Object.keys(ls.matchLabels)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${JSON.stringify(ls.matchLabels![k])}`)
        .join(', ')}}`
    : 'map[string]string(nil)';
  const exprs = ls.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${ls.matchExpressions
        .map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key)}, Operator:${JSON.stringify(e.operator)}, Values:${e.values ? `[]string{${e.values.map((v) => JSON.stringify(v)).join(', ')}}` : '[]string(nil)'}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

/** ValidateLabelSelector + the apps/v1 rules: required, not empty, parseable. */
export function validateSelector(ls: LabelSelector | undefined, path: string): { errs: FieldError[]; selector?: Selector } {
  if (!ls) return { errs: [fieldError('FieldValueRequired', path, '')] };
  const errs: FieldError[] = [];
  let selector: Selector | undefined;
  try {
    selector = labelSelectorAsSelector(ls);
  } catch (err) {
    if (!(err instanceof SelectorParseError)) throw err;
    errs.push(fieldError('FieldValueInvalid', path, `${goLabelSelector(ls)}: invalid label selector`));
  }
  if (Object.keys(ls.matchLabels ?? {}).length + (ls.matchExpressions ?? []).length === 0) {
    errs.push(fieldError('FieldValueInvalid', path, `${goLabelSelector(ls)}: empty selector is invalid for deployment`));
  }
  return { errs, selector };
}

/** apps/v1 ReplicaSet: replicas, a set-based selector and a pod template; status and scale subresources. */
export const ReplicaSetKind = defineKind<ReplicaSet>({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  categories: ['all'],
  namespaced: true,
  tracksGeneration: true,
  subresources: {
    status: true,
    scale: replicasScale,
  },
  printerColumns: replicaSetColumns,
  schema: ReplicaSetSchema,
  defaults(rs) {
    const spec = (rs.spec ??= {} as NonNullable<ReplicaSet['spec']>);
    spec.replicas ??= 1;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate(rs) {
    rs.status = { replicas: 0 };
  },
  validate(rs, old) {
    const spec = rs.spec;
    const errs: FieldError[] = [];
    errs.push(...validateNonNegative(spec?.replicas, 'spec.replicas'));
    errs.push(...validateNonNegative(spec?.minReadySeconds, 'spec.minReadySeconds'));
    const { errs: selErrs, selector } = validateSelector(spec?.selector, 'spec.selector');
    errs.push(...selErrs);
    // As kube: a missing selector selects nothing (so the template's labels do not match it either).
    if (selector || !spec?.selector) errs.push(...validatePodTemplate(spec?.template, selector ?? nothing(), 'spec.template', 'ReplicaSet'));
    if (old && JSON.stringify(canonical(spec?.selector)) !== JSON.stringify(canonical(old.spec?.selector))) {
      errs.push(fieldError('FieldValueInvalid', 'spec.selector', `${goLabelSelector(spec?.selector)}: field is immutable`));
    }
    if (old) errs.push(...validateReplicaStatus(rs.status));
    return errs;
  },
});

/** Key-order-insensitive form of a selector, for the immutability check. */
function canonical(ls: LabelSelector | undefined): unknown {
  if (!ls) return null;
  const labels = Object.fromEntries(Object.entries(ls.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { matchLabels: labels, matchExpressions: (ls.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator, values: e.values ?? [] })) };
}
