import { badRequest, type KindDefinition, type QualifiedResource } from '@keelson/api';
import type { Client } from '../client/client.js';
import type { Clock } from '../clock/clock.js';
import type { AdmissionPlugin } from '../plugins/contribution-points.js';
import type { Store } from '../store/store.js';
import { objectStoreKey } from './keys.js';
import type { PatchMetaLookup } from './strategic-merge.js';

/** What every operation of one kind's ResourceStore works with. */
export interface ResourceContext {
  kind: KindDefinition;
  /** The qualified resource errors name: {group: "apps", resource: "deployments"}. */
  resource: QualifiedResource;
  store: Store;
  clock: Clock;
  admission: readonly AdmissionPlugin[];
  /** The client handed to admission plugins (read lazily: it is built over the registry). */
  client?: () => Client | undefined;
  /** The kind's strategic-merge metadata (patches and field ownership). */
  patchMeta: PatchMetaLookup;
}

/** The namespace a call addresses: required for namespaced kinds, ignored for cluster-scoped ones. */
export function namespaceOf(ctx: ResourceContext, namespace: string | undefined): string | undefined {
  if (!ctx.kind.namespaced) return undefined;
  if (!namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
  return namespace;
}

/** The store key of one object of the context's kind. */
export function keyOf(ctx: ResourceContext, namespace: string | undefined, name: string): string {
  if (!name) throw badRequest('name is required');
  return objectStoreKey(ctx.kind, namespaceOf(ctx, namespace), name);
}
