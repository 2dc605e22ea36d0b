import { defineKind, type Service } from '@keelson/api';
import { serviceColumns } from './service-columns.js';
import { ServiceSchema } from './service-schema.js';
import { carryOverOnUpdate, defaultService, normalizeClusterIPs } from './service-defaults.js';
import { validateService, validateServiceName } from './service-validation.js';

/**
 * core/v1 Service: kube's defaults and validation. Cluster IPs and node ports are allocated by
 * the plugin's admission (see allocation-admission.ts), which runs after these hooks.
 */
export const ServiceKind = defineKind<Service>({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  shortNames: ['svc'],
  categories: ['all'],
  namespaced: true,
  tracksGeneration: false,
  printerColumns: serviceColumns,
  schema: ServiceSchema,
  subresources: { status: true },
  defaults: defaultService,
  prepareForCreate(svc) {
    normalizeClusterIPs(svc);
    svc.status = { loadBalancer: {} };
  },
  prepareForUpdate(svc, old) {
    normalizeClusterIPs(svc, old);
    carryOverOnUpdate(svc, old);
  },
  validateName: validateServiceName,
  validate: validateService,
  selectableFields: {
    'spec.clusterIP': (s) => s.spec?.clusterIP ?? '',
    'spec.type': (s) => s.spec?.type ?? '',
  },
});
