import { defineKind, fieldError, type Lease } from '@keelson/api';
import { LeaseSchema } from './schemas/index.js';
import { leaseColumns } from './printers/index.js';

export const LeaseKind = defineKind<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  schema: LeaseSchema,
  namespaced: true,
  tracksGeneration: false,
  printerColumns: leaseColumns,
  validate(l) {
    const d = l.spec?.leaseDurationSeconds;
    return d !== undefined && d <= 0 ? [fieldError('FieldValueInvalid', 'spec.leaseDurationSeconds', `${d}: must be greater than 0`)] : [];
  },
});
