import { defineKind, type ServiceAccount } from '@keelson/api';
import { serviceAccountColumns } from './printers/index.js';

export const ServiceAccountKind = defineKind<ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  tracksGeneration: false,
  printerColumns: serviceAccountColumns,
});
