import { jsonEqual, type KubeObject, type ManagedFieldsEntry } from '@keelson/api';
import type { PatchMetaLookup } from '../strategic-merge.js';
import { type FieldScope, FieldSet, fieldSetOf, fromFieldsV1, toFieldsV1, valueAt } from './fieldset.js';

/** One metadata.managedFields entry with its field set decoded. */
export interface FieldOwner {
  entry: ManagedFieldsEntry;
  set: FieldSet;
  /** The set as it was stored (its time is kept when the set does not change). */
  stored?: FieldSet;
  /** The entry is the stored object's own, encoded by encodeManagers: kept as is while its set is unchanged. */
  fromStore?: boolean;
}

/** Who made a write, as a managedFields entry is keyed: manager, operation, apiVersion, subresource. */
export interface WriteIdentity {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  /** rfc3339 time of the write. */
  time: string;
}

export function sameIdentity(e: ManagedFieldsEntry, id: Omit<WriteIdentity, 'time'>): boolean {
  return e.manager === id.manager && e.operation === id.operation && (e.apiVersion ?? '') === id.apiVersion && (e.subresource ?? '') === (id.subresource ?? '');
}

function isEntry(e: unknown): e is ManagedFieldsEntry {
  return typeof e === 'object' && e !== null && !Array.isArray(e);
}

/**
 * The entries a write starts from: the incoming object's when it brings a non-empty list (a
 * client may rewrite them; `[{}]` clears them, as in Kubernetes), otherwise the stored object's.
 */
export function baseManagers(incoming: unknown, stored: ManagedFieldsEntry[] | undefined): FieldOwner[] {
  let list = stored ?? [];
  let fromStore = true;
  if (Array.isArray(incoming) && incoming.length > 0 && incoming.every(isEntry)) {
    list = incoming.length === 1 && Object.keys(incoming[0]!).length === 0 ? [] : (incoming as ManagedFieldsEntry[]);
    fromStore = false;
  }
  return list.filter((e) => e.manager !== undefined).map((entry) => {
    const set = fromFieldsV1(entry.fieldsV1);
    return { entry, set, stored: set, fromStore };
  });
}

/** The stored form: empty sets dropped, fieldsV1 re-encoded, times kept for unchanged sets. */
export function encodeManagers(managers: FieldOwner[], time: string): ManagedFieldsEntry[] | undefined {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers) {
    if (m.set.size === 0) continue;
    const unchanged = m.stored !== undefined && (m.stored === m.set || m.stored.equals(m.set));
    if (unchanged && m.fromStore && m.entry.time && m.entry.fieldsV1) {
      out.push(m.entry);
      continue;
    }
    out.push({
      manager: m.entry.manager,
      operation: m.entry.operation,
      apiVersion: m.entry.apiVersion,
      time: unchanged && m.entry.time ? m.entry.time : time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(m.set),
      ...(m.entry.subresource ? { subresource: m.entry.subresource } : {}),
    });
  }
  return out.length > 0 ? out : undefined;
}

/** The manager entry for an identity, created (empty) if it is not there yet. */
export function managerFor(managers: FieldOwner[], id: WriteIdentity): FieldOwner {
  let m = managers.find((x) => sameIdentity(x.entry, id));
  if (!m) {
    m = { entry: { manager: id.manager, operation: id.operation, apiVersion: id.apiVersion, ...(id.subresource ? { subresource: id.subresource } : {}) }, set: new FieldSet() };
    managers.push(m);
  }
  return m;
}

/** What a write changed: fields added, leaves whose value changed, fields removed. */
export interface FieldChanges {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Deep equality of JSON values (primitives compared directly: the common case for leaves). */
export function sameValue(a: unknown, b: unknown): boolean {
  return jsonEqual(a, b);
}

export function compareObjects(old: unknown, next: unknown, meta: PatchMetaLookup, scope: FieldScope): FieldChanges {
  const before = fieldSetOf(old, meta, scope);
  const after = fieldSetOf(next, meta, scope);
  const modified = new FieldSet();
  for (const p of after) {
    // An associative-list item's own member changes only by appearing or going.
    const last = p[p.length - 1]!;
    if (!before.has(p) || last.startsWith('k:') || last.startsWith('v:')) continue;
    if (!sameValue(valueAt(old, p), valueAt(next, p))) modified.add(p);
  }
  return { added: after.difference(before), modified, removed: before.difference(after) };
}

/**
 * metadata.managedFields after an Update-operation write (create, PUT, PATCH that is not an
 * apply) by `id`: the writer owns what it added or changed, every other manager loses those
 * fields, and removed fields leave every set.
 */
export function recordUpdate(old: KubeObject | undefined, next: KubeObject, id: WriteIdentity, meta: PatchMetaLookup, scope: FieldScope): ManagedFieldsEntry[] | undefined {
  const managers = baseManagers(next.metadata.managedFields, old?.metadata.managedFields);
  const { added, modified, removed } = compareObjects(old, next, meta, scope);
  if (added.size + modified.size + removed.size > 0) {
    const changed = added.union(modified);
    const self = managerFor(managers, id);
    for (const m of managers) {
      if (m !== self) m.set = m.set.difference(changed);
      m.set = m.set.difference(removed);
    }
    self.set = self.set.union(changed);
  }
  return encodeManagers(managers, id.time);
}
