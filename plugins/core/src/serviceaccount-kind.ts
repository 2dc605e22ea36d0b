import { defineKind, type ServiceAccount } from '@keelson/api';
import { serviceAccountColumns } from './printers/index.js';
import { serviceAccountShape } from './shapes.js';

export const ServiceAccountKind = defineKind<ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  shape: serviceAccountShape,
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  tracksGeneration: false,
  printerColumns: serviceAccountColumns,
});
