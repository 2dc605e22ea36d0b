import type { Namespace, ServiceAccount } from '@keelson/api';
import { controller } from '@keelson/core';
import { NamespaceKind, ServiceAccountKind } from '@keelson/plugin-core';
import { DEFAULT_SERVICE_ACCOUNT_NAME, ensureServiceAccount } from './default-service-account.js';

/**
 * kube's serviceaccount-controller (ServiceAccountsController): every active Namespace has the
 * ServiceAccount "default". A namespace that appears (or is re-listed) gets it; when it is deleted
 * it comes back; a namespace being deleted is left alone. Keyed by namespace, as kube's.
 */
export function serviceAccountsController() {
  return controller('serviceaccount')
    .component('serviceaccount-controller')
    .for(NamespaceKind)
    // Any change to a ServiceAccount (kube listens to deletions) re-checks its namespace.
    .watches(ServiceAccountKind, (sa) => (sa.metadata.namespace ? [{ name: sa.metadata.namespace }] : []))
    .reconcile(async ({ client, lister }, { name }) => {
      const ns = lister<Namespace>(NamespaceKind).get(name);
      // Gone, or being deleted: nothing may be created there.
      if (!ns || ns.status?.phase !== 'Active' || ns.metadata.deletionTimestamp) return;
      if (lister<ServiceAccount>(ServiceAccountKind).namespace(name).get(DEFAULT_SERVICE_ACCOUNT_NAME)) return;
      await ensureServiceAccount(client, name);
    });
}
