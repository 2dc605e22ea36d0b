import {
  ageSince,
  defineKind,
  fieldError,
  type FieldError,
  type IntOrString,
  type LabelSelector,
  labelSelectorAsSelector,
  type PodDisruptionBudget,
  type PrinterColumn,
  SelectorParseError,
} from '@keelson/api';

const PERCENT_MESSAGE = "must be an integer or percentage (e.g '5%')";

/** appsvalidation.ValidatePositiveIntOrPercent + IsNotMoreThan100Percent. */
function validateIntOrPercent(v: IntOrString | undefined, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v)) return [fieldError('FieldValueInvalid', path, `"${v}": ${PERCENT_MESSAGE}`)];
    return Number(v.slice(0, -1)) > 100 ? [fieldError('FieldValueInvalid', path, `"${v}": must not be greater than 100%`)] : [];
  }
  if (!Number.isInteger(v)) return [fieldError('FieldValueInvalid', path, `${v}: ${PERCENT_MESSAGE}`)];
  return v < 0 ? [fieldError('FieldValueInvalid', path, `${v}: must be greater than or equal to 0`)] : [];
}

/** ValidateLabelSelector: the selector must parse (a missing or empty one is allowed). */
function validateSelector(ls: LabelSelector | null | undefined, path: string): FieldError[] {
  if (!ls) return [];
  try {
    labelSelectorAsSelector(ls);
    return [];
  } catch (err) {
    if (!(err instanceof SelectorParseError)) throw err;
    return [fieldError('FieldValueInvalid', path, err.message)];
  }
}

const policies = ['AlwaysAllow', 'IfHealthyBudget'];

/** kube's ValidatePodDisruptionBudgetSpec (policy/v1). */
export function validatePdbSpec(pdb: PodDisruptionBudget): FieldError[] {
  const spec = pdb.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.minAvailable !== undefined && spec.minAvailable !== null && spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    errs.push(fieldError('FieldValueInvalid', 'spec', `${JSON.stringify(spec)}: minAvailable and maxUnavailable cannot be both set`));
  }
  errs.push(...validateIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
  errs.push(...validateIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
  errs.push(...validateSelector(spec.selector, 'spec.selector'));
  if (spec.unhealthyPodEvictionPolicy !== undefined && !policies.includes(spec.unhealthyPodEvictionPolicy)) {
    errs.push(fieldError('FieldValueNotSupported', 'spec.unhealthyPodEvictionPolicy', `"${spec.unhealthyPodEvictionPolicy}": supported values: "AlwaysAllow", "IfHealthyBudget"`));
  }
  return errs;
}

/** An IntOrString as kubectl prints it, "N/A" when unset. */
function intOrNA(v: IntOrString | undefined | null): string {
  return v === undefined || v === null ? 'N/A' : String(v);
}

/** kube-apiserver's PodDisruptionBudget columns. */
export const pdbColumns: PrinterColumn<PodDisruptionBudget>[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name ?? '' },
  { name: 'Min Available', type: 'string', description: 'An eviction is allowed if at least "minAvailable" pods selected by "selector" will still be available after the eviction, i.e. even in the absence of the evicted pod.', cell: (o) => intOrNA(o.spec?.minAvailable) },
  { name: 'Max Unavailable', type: 'string', description: 'An eviction is allowed if at most "maxUnavailable" pods selected by "selector" are unavailable after the eviction, i.e. even in absence of the evicted pod.', cell: (o) => intOrNA(o.spec?.maxUnavailable) },
  { name: 'Allowed Disruptions', type: 'integer', description: 'Number of pod disruptions that are currently allowed.', cell: (o) => o.status?.disruptionsAllowed ?? 0 },
  { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: (o, now) => ageSince(o.metadata.creationTimestamp, now) },
];

/**
 * policy/v1 PodDisruptionBudget (`pdb`): minAvailable or maxUnavailable (ints or percentages) over
 * the pods a selector picks; the status (written by the disruption controller and by the eviction
 * subresource) says how many disruptions are allowed now.
 */
export const PodDisruptionBudgetKind = defineKind<PodDisruptionBudget>({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  tracksGeneration: true,
  subresources: { status: true },
  printerColumns: pdbColumns,
  prepareForCreate(pdb) {
    pdb.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  validate(pdb) {
    return validatePdbSpec(pdb);
  },
});
