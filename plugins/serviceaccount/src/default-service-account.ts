import { isApiError, type ServiceAccount } from '@keelson/api';
import type { Client } from '@keelson/core';

/** The ServiceAccount every namespace has and pods get when they name none (kube's DefaultServiceAccountName). */
export const DEFAULT_SERVICE_ACCOUNT_NAME = 'default';

/** The status cause of NamespaceLifecycle's 403 for a namespace being deleted (kube's NamespaceTerminatingCause). */
export const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

/** An error creating into a namespace that is being deleted: nothing to do there. */
function isNamespaceTerminating(err: unknown): boolean {
  return isApiError(err) && err.code === 403 && !!err.status.details?.causes?.some((c) => c.reason === NAMESPACE_TERMINATING_CAUSE);
}

/**
 * Creates the ServiceAccount `name` (an empty one, as kube's serviceaccount-controller does) in
 * `namespace` unless it is there: idempotent, so the controller and the ServiceAccount admission
 * may both call it at the same moment. An AlreadyExists answer means someone else won; a namespace
 * being deleted gets nothing. Returns the account as created, or undefined when it was not.
 */
export async function ensureServiceAccount(client: Client, namespace: string, name = DEFAULT_SERVICE_ACCOUNT_NAME): Promise<ServiceAccount | undefined> {
  try {
    return await client.create<ServiceAccount>({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }, { namespace });
  } catch (err) {
    if (isApiError(err) && err.code === 409 && err.reason === 'AlreadyExists') return undefined;
    if (isNamespaceTerminating(err)) return undefined;
    throw err;
  }
}
