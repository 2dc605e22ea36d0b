import { jsonEqual, type KubeObject, type ManagedFieldsEntry } from '@keelson/api';
import type { PatchMetaLookup } from '../strategic-merge.js';
import { type FieldPath, type FieldScope, FieldSet, fieldSetOf, fromFieldsV1, toFieldsV1, valueAt } from './fieldset.js';

/**
 * One metadata.managedFields entry and its field set. A stored entry's set is decoded only when
 * it is read: a write that touches none of its fields (most status writes leave the creator's and
 * the scheduler's entries alone) neither decodes nor re-encodes it.
 */
export class FieldOwner {
  private decoded?: FieldSet;
  private original?: FieldSet;
  private readonly isNew: boolean;

  /**
   * @param fromStore the entry is the stored object's own, encoded by encodeManagers: kept as it
   *   is while its set is unchanged
   * @param set the set of an entry this write creates (nothing stored)
   */
  constructor(
    readonly entry: ManagedFieldsEntry,
    readonly fromStore: boolean,
    set?: FieldSet,
  ) {
    this.isNew = set !== undefined;
    this.decoded = set;
  }

  get set(): FieldSet {
    return (this.decoded ??= this.stored!);
  }
  set set(value: FieldSet) {
    this.decoded = value;
  }
  /** The set as it was stored (undefined for a new entry). */
  get stored(): FieldSet | undefined {
    if (this.isNew) return undefined;
    return (this.original ??= fromFieldsV1(this.entry.fieldsV1));
  }
  /** The set is still the stored one: nothing assigned, or an equal set (its time is kept). */
  unchanged(): boolean {
    if (this.isNew) return false;
    if (this.decoded === undefined || this.decoded === this.original) return true;
    return this.stored!.equals(this.decoded);
  }

  /** Whether `path` is a member of the set; for an entry not decoded yet, read off its FieldsV1 tree. */
  owns(path: FieldPath): boolean {
    if (this.decoded) return this.decoded.has(path);
    // The member's node in the FieldsV1 tree: a leaf ({}) or marked with ".".
    let node: unknown = this.entry.fieldsV1;
    for (const e of path) {
      if (node === null || typeof node !== 'object') return false;
      node = (node as Record<string, unknown>)[e];
    }
    if (node === null || typeof node !== 'object') return false;
    const keys = Object.keys(node);
    return keys.length === 0 || keys.includes('.');
  }

  ownsAny(paths: FieldSet): boolean {
    for (const p of paths) if (this.owns(p)) return true;
    return false;
  }

  ownsAll(paths: FieldSet): boolean {
    for (const p of paths) if (!this.owns(p)) return false;
    return true;
  }
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
  // The stored entries sent back as they were (a read-modify-write, a status write) are the stored ones.
  if (Array.isArray(incoming) && incoming.length > 0 && incoming.every(isEntry) && !jsonEqual(incoming, stored ?? [])) {
    list = incoming.length === 1 && Object.keys(incoming[0]!).length === 0 ? [] : (incoming as ManagedFieldsEntry[]);
    fromStore = false;
  }
  return list.filter((e) => e.manager !== undefined).map((entry) => new FieldOwner(entry, fromStore));
}

/** The stored form: empty sets dropped, fieldsV1 re-encoded, times kept for unchanged sets. */
export function encodeManagers(managers: FieldOwner[], time: string): ManagedFieldsEntry[] | undefined {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers) {
    const unchanged = m.unchanged();
    if (unchanged && m.fromStore && m.entry.time && m.entry.fieldsV1) {
      out.push(m.entry);
      continue;
    }
    if (m.set.size === 0) continue;
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
    m = new FieldOwner({ manager: id.manager, operation: id.operation, apiVersion: id.apiVersion, ...(id.subresource ? { subresource: id.subresource } : {}) }, false, new FieldSet());
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

export function compareObjects(old: unknown, next: unknown, meta: PatchMetaLookup, scope: FieldScope): FieldChanges {
  const before = fieldSetOf(old, meta, scope);
  const after = fieldSetOf(next, meta, scope);
  const modified = new FieldSet();
  for (const p of after) {
    // An associative-list item's own member changes only by appearing or going.
    const last = p[p.length - 1]!;
    if (!before.has(p) || last.startsWith('k:') || last.startsWith('v:')) continue;
    if (!jsonEqual(valueAt(old, p), valueAt(next, p))) modified.add(p);
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
      if (m !== self && m.ownsAny(changed)) m.set = m.set.difference(changed);
      if (m.ownsAny(removed)) m.set = m.set.difference(removed);
    }
    if (!self.ownsAll(changed)) self.set = self.set.union(changed);
  }
  return encodeManagers(managers, id.time);
}
