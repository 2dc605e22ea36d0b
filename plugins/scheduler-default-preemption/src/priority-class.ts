import { ageSince, defineKind, type FieldError, fieldError, type KubeObject, type PrinterColumn } from '@keelson/api';

/** scheduling.k8s.io/v1 PriorityClass. */
export interface PriorityClass extends KubeObject {
  apiVersion?: 'scheduling.k8s.io/v1';
  kind?: 'PriorityClass';
  value: number;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
}

/** kube's HighestUserDefinablePriority. */
export const HighestUserDefinablePriority = 1_000_000_000;
/** kube's SystemCriticalPriority. */
export const SystemCriticalPriority = 2 * HighestUserDefinablePriority;
export const SystemPriorityClassPrefix = 'system-';

/** The classes kube-apiserver creates at start (scheduling.SystemPriorityClasses()). */
export const systemPriorityClasses: PriorityClass[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-node-critical' },
    value: SystemCriticalPriority + 1000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-cluster-critical' },
    value: SystemCriticalPriority,
    description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

/** kube's IsKnownSystemPriorityClass: the name, value and globalDefault of a system class. */
function knownSystemClass(pc: PriorityClass): string | undefined {
  const sys = systemPriorityClasses.find((s) => s.metadata.name === pc.metadata.name);
  if (!sys) return `${pc.metadata.name} is not a known system priority class`;
  if (sys.value !== pc.value) return `value of ${pc.metadata.name} PriorityClass must be ${sys.value}`;
  if (pc.globalDefault) return `globalDefault of ${pc.metadata.name} PriorityClass must be false`;
  return undefined;
}

/** kube's ValidatePriorityClass and ValidatePriorityClassUpdate. */
export function validatePriorityClass(pc: PriorityClass, old?: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  const name = pc.metadata.name ?? '';
  if (typeof pc.value !== 'number' || !Number.isInteger(pc.value)) errs.push(fieldError('FieldValueRequired', 'value', ''));
  else if (name.startsWith(SystemPriorityClassPrefix)) {
    const err = knownSystemClass(pc);
    if (err) errs.push(fieldError('FieldValueForbidden', 'metadata.name', `priority class names with '${SystemPriorityClassPrefix}' prefix are reserved for system use only. error: ${err}`));
  } else if (pc.value > HighestUserDefinablePriority) {
    errs.push(fieldError('FieldValueForbidden', 'value', `maximum allowed value of a user defined priority is ${HighestUserDefinablePriority}`));
  }
  if (pc.preemptionPolicy !== undefined && pc.preemptionPolicy !== 'PreemptLowerPriority' && pc.preemptionPolicy !== 'Never') {
    errs.push(fieldError('FieldValueNotSupported', 'preemptionPolicy', `"${pc.preemptionPolicy}": supported values: "Never", "PreemptLowerPriority"`));
  }
  if (old) {
    if (pc.value !== old.value) errs.push(fieldError('FieldValueForbidden', 'value', 'may not be changed in an update.'));
    if (pc.preemptionPolicy !== old.preemptionPolicy) errs.push(fieldError('FieldValueForbidden', 'preemptionPolicy', 'may not be changed in an update.'));
  }
  return errs;
}

const columns: PrinterColumn<PriorityClass>[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name ?? '' },
  { name: 'Value', type: 'integer', description: 'value represents the integer value of this priority class.', cell: (o) => o.value },
  { name: 'Global-Default', type: 'boolean', description: 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.', cell: (o) => !!o.globalDefault },
  { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: (o, now) => ageSince(o.metadata.creationTimestamp, now) },
  { name: 'PreemptionPolicy', type: 'string', description: 'preemptionPolicy is the Policy for preempting pods with lower priority.', cell: (o) => o.preemptionPolicy ?? '' },
];

/** scheduling.k8s.io/v1 PriorityClass (`pc`): cluster-scoped, value immutable. */
export const PriorityClassKind = defineKind<PriorityClass>({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  singular: 'priorityclass',
  shortNames: ['pc'],
  namespaced: false,
  tracksGeneration: false,
  printerColumns: columns,
  defaults(pc) {
    pc.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate: validatePriorityClass,
});
