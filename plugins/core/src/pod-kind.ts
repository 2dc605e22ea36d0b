import { type Container, defineKind, jsonEqual, fieldError, type FieldError, isDNS1123Label, type Pod } from '@keelson/api';
import { PodSchema } from './schemas/index.js';
import { podColumns } from './printers/index.js';
import { podBinding } from './pod-binding.js';
import { podEviction } from './pod-eviction.js';
import { podLog } from './pod-log.js';
import { podQOSClass } from './qos.js';

function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy && c.image) {
    const ref = c.image.split('@')[0]!;
    const lastSlash = ref.lastIndexOf('/');
    const tag = ref.lastIndexOf(':') > lastSlash ? ref.slice(ref.lastIndexOf(':') + 1) : '';
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  // Limits without requests: requests default to the limits.
  if (c.resources.limits) {
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(c.resources.limits)) c.resources.requests[k] ??= v;
  }
}

function validateContainers(list: Container[] | undefined, path: string, required: boolean, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (required && (!list || list.length === 0)) errs.push(fieldError('FieldValueRequired', path, ''));
  (list ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c.name) errs.push(fieldError('FieldValueRequired', `${p}.name`, ''));
    else {
      for (const m of isDNS1123Label(c.name)) errs.push(fieldError('FieldValueInvalid', `${p}.name`, `"${c.name}": ${m}`));
      if (names.has(c.name)) errs.push(fieldError('FieldValueDuplicate', `${p}.name`, `"${c.name}"`));
      names.add(c.name);
    }
    if (!c.image) errs.push(fieldError('FieldValueRequired', `${p}.image`, ''));
    if (c.imagePullPolicy && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) {
      errs.push(fieldError('FieldValueNotSupported', `${p}.imagePullPolicy`, `"${c.imagePullPolicy}": supported values: "Always", "IfNotPresent", "Never"`));
    }
    (c.ports ?? []).forEach((port, j) => {
      if (!Number.isInteger(port.containerPort) || port.containerPort < 1 || port.containerPort > 65535) {
        errs.push(fieldError('FieldValueInvalid', `${p}.ports[${j}].containerPort`, `${port.containerPort}: must be between 1 and 65535, inclusive`));
      }
    });
  });
  return errs;
}

/** The spec without the fields a pod update may change (kube's ValidatePodUpdate). */
function immutableSpec(pod: Pod): NonNullable<Pod['spec']> {
  const spec = JSON.parse(JSON.stringify(pod.spec ?? {})) as NonNullable<Pod['spec']>;
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) delete c.image;
  delete spec.activeDeadlineSeconds;
  delete spec.tolerations;
  delete spec.terminationGracePeriodSeconds;
  // Derived from serviceAccountName (v1 conversion); kube compares internal specs, which lack it.
  delete spec.serviceAccount;
  return spec;
}

export const PodKind = defineKind<Pod>({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  schema: PodSchema,
  namespaced: true,
  tracksGeneration: false,
  printerColumns: podColumns,
  subresources: { status: true, post: { binding: podBinding, eviction: podEviction }, get: { log: podLog } },
  defaults(pod) {
    const spec = (pod.spec ??= { containers: [] });
    spec.restartPolicy ??= 'Always';
    spec.terminationGracePeriodSeconds ??= 30;
    spec.dnsPolicy ??= 'ClusterFirst';
    spec.securityContext ??= {};
    spec.schedulerName ??= 'default-scheduler';
    spec.enableServiceLinks ??= true;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    spec.priority ??= 0;
    // kube's v1 conversion: serviceAccount (deprecated) is read only when serviceAccountName is
    // empty, and always written back as serviceAccountName.
    if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
    if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
    else delete spec.serviceAccount;
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultContainer(c);
  },
  prepareForCreate(pod) {
    pod.status = { phase: 'Pending', qosClass: podQOSClass(pod) };
  },
  validate(pod, old) {
    const errs: FieldError[] = [];
    const spec = pod.spec;
    const names = new Set<string>();
    errs.push(...validateContainers(spec?.containers, 'spec.containers', true, names));
    errs.push(...validateContainers(spec?.initContainers, 'spec.initContainers', false, names));
    if (spec?.restartPolicy && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy)) {
      errs.push(fieldError('FieldValueNotSupported', 'spec.restartPolicy', `"${spec.restartPolicy}": supported values: "Always", "OnFailure", "Never"`));
    }
    if (spec?.dnsPolicy && !['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'].includes(spec.dnsPolicy)) {
      errs.push(fieldError('FieldValueNotSupported', 'spec.dnsPolicy', `"${spec.dnsPolicy}": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"`));
    }
    if (old && !jsonEqual(pod.spec, old.spec) && !jsonEqual(immutableSpec(pod), immutableSpec(old))) {
      errs.push(
        fieldError(
          'FieldValueForbidden',
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        ),
      );
    }
    return errs;
  },
  /**
   * kube's pod CheckGracefulDelete: a pod that never reached a node, or has finished, goes at once;
   * otherwise the node agent gets the requested period (else terminationGracePeriodSeconds, else
   * 30 s) to stop it and then deletes it with grace 0.
   */
  gracefulDeletion(pod, opts) {
    if (!pod.spec?.nodeName || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const requested = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, requested);
  },
  selectableFields: {
    'spec.nodeName': (p) => p.spec?.nodeName ?? '',
    'spec.restartPolicy': (p) => p.spec?.restartPolicy ?? '',
    'spec.schedulerName': (p) => p.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (p) => p.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
    'status.phase': (p) => p.status?.phase ?? '',
    'status.podIP': (p) => p.status?.podIP ?? '',
    'status.nominatedNodeName': (p) => p.status?.nominatedNodeName ?? '',
  },
});
