import type { KubeObject, Namespace } from '@keelson/api';
import { controller, KindRegistryToken } from '@keelson/core';
import { NamespaceKind } from '@keelson/plugin-core';

/** How often a terminating namespace is looked at again while its contents are going away. */
export const CONTENT_RECHECK_MS = 1000;

/**
 * Deletes everything in a namespace being deleted, then removes its "kubernetes" finalizer so
 * the registry deletes the namespace itself (kube's namespace controller).
 */
export function namespaceController() {
  return controller('namespace')
    .for(NamespaceKind)
    .reconcile(async ({ client, log, get }, { name }) => {
      let ns: Namespace;
      try {
        ns = await client.get<Namespace>(NamespaceKind, name);
      } catch {
        return; // gone already
      }
      if (!ns.metadata.deletionTimestamp) return;
      let remaining = 0;
      for (const kind of get(KindRegistryToken).list()) {
        if (!kind.namespaced) continue;
        const list = await client.list<KubeObject>(kind, { namespace: name });
        for (const obj of list.items) {
          remaining++;
          if (obj.metadata.deletionTimestamp) continue;
          await client.delete(kind, obj.metadata.name!, { namespace: name, propagationPolicy: 'Background' }).catch((err: unknown) => {
            log.debug('delete during namespace cleanup failed', { kind: kind.kind, name: obj.metadata.name, error: String(err) });
          });
        }
      }
      if (remaining > 0) {
        // Deletions above may finish at once; look again soon either way.
        return { requeueAfter: CONTENT_RECHECK_MS };
      }
      const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== 'kubernetes');
      await client.update<Namespace>({ ...ns, spec: { ...ns.spec, finalizers } });
    });
}
