import { defineKind, fieldError, type FieldError, type ReplicationController, selectorFromSet } from '@keelson/api';
import { replicationControllerColumns } from './printers.js';
import { ReplicationControllerSchema } from './schemas.js';
import { validateReplicaStatus } from './status-validation.js';
import { defaultPodTemplate, replicasScale, validateNonNegative, validatePodTemplate } from './template.js';

/**
 * core/v1 ReplicationController: a ReplicaSet with a label-map selector. As kube defaults it,
 * an empty selector and empty labels are taken from the template's labels.
 */
export const ReplicationControllerKind = defineKind<ReplicationController>({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  singular: 'replicationcontroller',
  shortNames: ['rc'],
  categories: ['all'],
  namespaced: true,
  tracksGeneration: true,
  subresources: {
    status: true,
    scale: replicasScale,
  },
  printerColumns: replicationControllerColumns,
  schema: ReplicationControllerSchema,
  defaults(rc) {
    const spec = (rc.spec ??= {});
    const labels = spec.template?.metadata?.labels;
    if (labels) {
      if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
      if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...labels };
    }
    spec.replicas ??= 1;
    defaultPodTemplate(spec.template);
  },
  prepareForCreate(rc) {
    rc.status = { replicas: 0 };
  },
  validate(rc, old) {
    const spec = rc.spec;
    const errs: FieldError[] = [];
    errs.push(...validateNonNegative(spec?.minReadySeconds, 'spec.minReadySeconds'));
    if (!spec?.selector || Object.keys(spec.selector).length === 0) errs.push(fieldError('FieldValueRequired', 'spec.selector', ''));
    errs.push(...validateNonNegative(spec?.replicas, 'spec.replicas'));
    let selector;
    try {
      selector = selectorFromSet(spec?.selector ?? {});
    } catch (err) {
      errs.push(fieldError('FieldValueInvalid', 'spec.selector', (err as Error).message));
    }
    errs.push(...validatePodTemplate(spec?.template, selector, 'spec.template', 'ReplicationController'));
    if (old) errs.push(...validateReplicaStatus(rc.status));
    return errs;
  },
});
