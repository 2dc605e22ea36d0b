import { internalError, type Service } from '@keelson/api';
import type { AdmissionPlugin, Client } from '@keelson/core';
import type { ServiceAllocations } from './allocations.js';
import { ServiceKind } from './service-kind.js';

/** Each cluster's allocations, by the cluster's client (what admission is handed). */
const byClient = new WeakMap<Client, ServiceAllocations>();

export function registerAllocations(client: Client, allocations: ServiceAllocations): void {
  byClient.set(client, allocations);
}

/** The Services in the store, as allocation needs them. */
export async function snapshotServices(client: Client) {
  const list = await client.list<Service>(ServiceKind);
  return { services: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
}

/**
 * ServiceIPAllocation (what kube-apiserver's service REST storage does before it stores a
 * Service): allocates cluster IPs and node ports on create and on updates that need new ones.
 * An object that fails validation is left alone (its write fails anyway, with the validation errors).
 */
export function serviceAllocationAdmission(): AdmissionPlugin {
  return {
    name: 'ServiceIPAllocation',
    operations: ['CREATE', 'UPDATE', 'DELETE'],
    resources: ['/services'],
    async mutate(req) {
      const allocations = byClient.get(req.client);
      if (!allocations) throw internalError('the service plugin is not set up for this cluster');
      const old = req.oldObject as Service | undefined;
      if (old?.metadata.uid) allocations.settle(old.metadata.uid, old.metadata.resourceVersion, req.operation === 'DELETE' && !req.dryRun);
      if (req.operation === 'DELETE' || req.subresource) return;
      const svc = req.object as Service;
      if (ServiceKind.validate?.(svc, old).length) return;
      allocations.rebuild(await snapshotServices(req.client));
      allocations.assign(svc, old, req.dryRun);
    },
  };
}
