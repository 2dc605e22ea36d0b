import type { KubeObject } from '@keelson/api';
import type { AdmissionRequest } from '../plugins/contribution-points.js';
import type { ResourceContext } from './context.js';

export interface AdmissionCall {
  operation: AdmissionRequest['operation'];
  phase: 'mutate' | 'validate';
  /** The object being written; for DELETE, the object being deleted. Mutating plugins change it in place. */
  object: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  subresource?: string;
}

/**
 * Runs one phase of the admission chain, plugin by plugin in the order given (kube-apiserver runs
 * every mutating plugin, then the object's own validation, then every validating plugin). A plugin
 * rejects by throwing (an ApiError, typically 403 Forbidden or 422 Invalid).
 */
export async function admit(ctx: ResourceContext, call: AdmissionCall): Promise<void> {
  if (ctx.admission.length === 0) return;
  const client = ctx.client?.();
  if (!client) throw new Error('admission needs a client: set registry.admissionClient');
  const resource = `${ctx.kind.group}/${ctx.kind.plural}`;
  for (const plugin of ctx.admission) {
    const fn = call.phase === 'mutate' ? plugin.mutate : plugin.validate;
    if (!fn) continue;
    if (plugin.operations && !plugin.operations.includes(call.operation)) continue;
    if (plugin.resources && !plugin.resources.includes(resource)) continue;
    await fn.call(plugin, {
      operation: call.operation,
      kind: ctx.kind,
      subresource: call.subresource,
      namespace: call.object.metadata.namespace,
      name: call.object.metadata.name ?? '',
      object: call.object,
      oldObject: call.oldObject,
      dryRun: call.dryRun,
      client,
    });
  }
}
