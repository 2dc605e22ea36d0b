import { type KindDefinition, kindApiVersion } from '@keelson/api';
import { rfc3339 } from '../clock/clock.js';
import type { ResourceContext } from './context.js';
import type { FieldScope, WriteIdentity } from './managed-fields/index.js';

/** The manager of in-process writes that name none (kube-apiserver uses the User-Agent's product). */
export const DEFAULT_FIELD_MANAGER = 'keelson';

/** The managedFields identity of a write. */
export function writerOf(ctx: ResourceContext, fieldManager: string | undefined, operation: 'Apply' | 'Update', subresource?: string): WriteIdentity {
  return { manager: fieldManager || DEFAULT_FIELD_MANAGER, operation, apiVersion: kindApiVersion(ctx.kind), subresource, time: rfc3339(ctx.clock.now()) };
}

/** The fields a write on the resource (or its status) manages. */
export function scopeOf(kind: KindDefinition, subresource?: string): FieldScope {
  if (subresource === 'status') return 'status';
  if (subresource && kind.subresources?.post?.[subresource]) return 'all';
  return kind.subresources?.status ? 'no-status' : 'all';
}
