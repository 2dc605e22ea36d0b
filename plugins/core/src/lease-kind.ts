import { defineKind, fieldError, type Lease } from '@keelson/api';
import { leaseColumns } from './printers/index.js';
import { leaseShape } from './shapes.js';

export const LeaseKind = defineKind<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  shape: leaseShape,
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  tracksGeneration: false,
  printerColumns: leaseColumns,
  validate(l) {
    const d = l.spec?.leaseDurationSeconds;
    return d !== undefined && d <= 0 ? [fieldError('FieldValueInvalid', 'spec.leaseDurationSeconds', `${d}: must be greater than 0`)] : [];
  },
});
