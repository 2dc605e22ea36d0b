import { ApiError, forbidden, isNotFound, type Namespace, notFound } from '@keelson/api';
import type { AdmissionPlugin } from '@keelson/core';
import { NamespaceKind } from '@keelson/plugin-core';

/** Namespaces that can never be deleted (kube's immortal namespaces). */
export const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

/**
 * NamespaceLifecycle admission: no new content in a namespace that does not exist (404) or is
 * being deleted (403); the system namespaces cannot be deleted.
 */
export function namespaceLifecycleAdmission(): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    operations: ['CREATE', 'DELETE'],
    async validate(req) {
      if (req.kind === NamespaceKind) {
        if (req.operation === 'DELETE' && immortalNamespaces.has(req.name)) {
          throw forbidden(`namespaces "${req.name}" is forbidden: this namespace may not be deleted`);
        }
        return;
      }
      if (req.operation !== 'CREATE' || !req.kind.namespaced || !req.namespace) return;
      let ns: Namespace;
      try {
        ns = await req.client.get<Namespace>(NamespaceKind, req.namespace);
      } catch (err) {
        if (isNotFound(err)) throw notFound({ group: '', resource: 'namespaces' }, req.namespace);
        throw err;
      }
      // Events may still be written while a namespace terminates (they describe its cleanup).
      if (ns.metadata.deletionTimestamp && !(req.kind.group === '' && req.kind.kind === 'Event')) {
        throw new ApiError(
          403,
          'Forbidden',
          `${req.kind.plural} "${req.name}" is forbidden: unable to create new content in namespace ${req.namespace} because it is being terminated`,
          // kube's NamespaceTerminatingCause: controllers recognise the refusal by it and let it be.
          {
            name: req.name,
            group: req.kind.group,
            kind: req.kind.plural,
            causes: [{ reason: 'NamespaceTerminating', message: `namespace ${req.namespace} is being terminated`, field: 'metadata.namespace' }],
          },
        );
      }
    },
  };
}
