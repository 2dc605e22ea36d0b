import { defineKind, type ServiceAccount } from '@keelson/api';
import { ServiceAccountSchema } from './schemas/index.js';
import { serviceAccountColumns } from './printers/index.js';

export const ServiceAccountKind = defineKind<ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  schema: ServiceAccountSchema,
  namespaced: true,
  tracksGeneration: false,
  printerColumns: serviceAccountColumns,
});
