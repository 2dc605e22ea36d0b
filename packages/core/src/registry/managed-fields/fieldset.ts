import { jsonEqual } from '@keelson/api';
import type { PatchMetaLookup } from '../strategic-merge.js';

/**
 * Field sets as structured-merge-diff and metadata.managedFields (FieldsV1) describe them. A path
 * is a list of elements: "f:<field>" (a field of a map), "k:<json object>" (an item of an
 * associative list, by its keys), "v:<json value>" (an item of a set). A set holds the paths that
 * are members: leaves (scalars, atomic lists, empty maps) and associative-list items (which also
 * have children); plain maps are never members themselves, only their fields.
 */
export type PathElement = string;
export type FieldPath = readonly PathElement[];

/**
 * A set of field paths, keyed by the elements joined with NUL (which neither a JSON-encoded key
 * nor, in practice, a field name contains).
 */
export class FieldSet {
  private readonly paths = new Map<string, FieldPath>();

  static of(paths: Iterable<FieldPath>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.add(p);
    return s;
  }

  private static key(path: FieldPath): string {
    return path.join('\0');
  }

  add(path: FieldPath): void {
    this.paths.set(FieldSet.key(path), path);
  }
  has(path: FieldPath): boolean {
    return this.paths.has(FieldSet.key(path));
  }
  delete(path: FieldPath): void {
    this.paths.delete(FieldSet.key(path));
  }
  get size(): number {
    return this.paths.size;
  }
  [Symbol.iterator](): IterableIterator<FieldPath> {
    return this.paths.values();
  }
  private filtered(keep: (key: string) => boolean): FieldSet {
    const out = new FieldSet();
    for (const [k, p] of this.paths) if (keep(k)) out.paths.set(k, p);
    return out;
  }
  union(other: FieldSet): FieldSet {
    const out = this.filtered(() => true);
    for (const [k, p] of other.paths) out.paths.set(k, p);
    return out;
  }
  difference(other: FieldSet): FieldSet {
    return this.filtered((k) => !other.paths.has(k));
  }
  intersection(other: FieldSet): FieldSet {
    return this.filtered((k) => other.paths.has(k));
  }
  /** Whether any member is `prefix` or lies under it. */
  hasPrefix(prefix: FieldPath): boolean {
    const k = FieldSet.key(prefix);
    if (this.paths.has(k)) return true;
    for (const key of this.paths.keys()) if (key.startsWith(`${k}\0`)) return true;
    return false;
  }
  equals(other: FieldSet): boolean {
    if (this.size !== other.size) return false;
    for (const k of this.paths.keys()) if (!other.paths.has(k)) return false;
    return true;
  }
}

/**
 * Which part of an object a write manages: everything ("all", a kind without a status
 * subresource), everything but status (the main resource of a kind with one), or only status.
 */
export type FieldScope = 'all' | 'no-status' | 'status';

/** metadata fields the server owns: never part of a field set (apimachinery's stripMeta). */
const systemMeta = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generateName']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The keys identifying the items of a list at `names` (field names only), or undefined if not associative. */
export function listKeys(meta: PatchMetaLookup, names: readonly string[]): string[] | undefined {
  const m = meta(names);
  if (m.listMapKeys?.length) return m.listMapKeys;
  return m.mergeKey ? [m.mergeKey] : undefined;
}

function isSetList(meta: PatchMetaLookup, names: readonly string[], list: unknown[]): boolean {
  const m = meta(names);
  return !m.mergeKey && !!m.strategy?.split(',').includes('merge') && list.every((v) => v === null || typeof v !== 'object');
}

/** The value of a list item's key field, or the key's default (protocol: TCP) when the item has none. */
export function itemKey(item: Obj, key: string, defaults: Record<string, unknown> | undefined): unknown {
  return item[key] ?? defaults?.[key];
}

/** "k:{...}" for an item, from its key fields (sorted as structured-merge-diff prints them). */
function itemElement(item: unknown, keys: string[], defaults?: Record<string, unknown>): PathElement | undefined {
  if (!isObj(item)) return undefined;
  const k: Obj = {};
  for (const key of [...keys].sort()) {
    const v = itemKey(item, key, defaults);
    if (v === undefined) continue;
    k[key] = v;
  }
  if (Object.keys(k).length === 0) return undefined;
  return `k:${JSON.stringify(k)}`;
}

/** The field set of an object (what an apply configuration or a write touches), within a scope. */
export function fieldSetOf(obj: unknown, meta: PatchMetaLookup, scope: FieldScope): FieldSet {
  const set = new FieldSet();
  if (!isObj(obj)) return set;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || v === undefined) continue;
    if (scope === 'status' ? k !== 'status' : scope === 'no-status' && k === 'status') continue;
    if (k === 'metadata' && isObj(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (systemMeta.has(mk) || mv === undefined) continue;
        walk(mv, ['f:metadata', `f:${mk}`], ['metadata', mk], meta, set);
      }
      continue;
    }
    walk(v, [`f:${k}`], [k], meta, set);
  }
  return set;
}

function walk(value: unknown, path: PathElement[], names: string[], meta: PatchMetaLookup, set: FieldSet): void {
  if (isObj(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) set.add(path);
    for (const [k, v] of entries) walk(v, [...path, `f:${k}`], [...names, k], meta, set);
    return;
  }
  if (Array.isArray(value) && value.length > 0) {
    const keys = listKeys(meta, names);
    const defaults = meta(names).keyDefaults;
    const elements = keys ? value.map((item) => itemElement(item, keys, defaults)) : [];
    if (keys && elements.every((e) => e !== undefined) && new Set(elements).size === elements.length) {
      value.forEach((item, i) => {
        const itemPath = [...path, elements[i]!];
        set.add(itemPath);
        walk(item, itemPath, names, meta, set);
      });
      return;
    }
    if (isSetList(meta, names, value)) {
      for (const item of value) set.add([...path, `v:${JSON.stringify(item)}`]);
      return;
    }
  }
  set.add(path);
}

/** The value at a path, or undefined when the object does not have it. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let node: unknown = obj;
  for (const e of path) {
    if (node === undefined) return undefined;
    node = step(node, e);
  }
  return node;
}

function step(node: unknown, e: PathElement): unknown {
  if (e.startsWith('f:')) return isObj(node) ? node[e.slice(2)] : undefined;
  if (!Array.isArray(node)) return undefined;
  if (e.startsWith('k:')) {
    const key = JSON.parse(e.slice(2)) as Obj;
    return node.find((item) => isObj(item) && Object.entries(key).every(([k, v]) => jsonEqual(item[k], v)));
  }
  if (e.startsWith('v:')) {
    const want = e.slice(2);
    return node.find((item) => JSON.stringify(item) === want);
  }
  return undefined;
}

/** Removes the value at a path from an object (in place); maps emptied by the removal go too. */
export function removeAt(obj: unknown, path: FieldPath): void {
  if (path.length === 0) return;
  const parents: unknown[] = [obj];
  for (const e of path.slice(0, -1)) {
    const next = step(parents[parents.length - 1], e);
    if (next === undefined) return;
    parents.push(next);
  }
  const last = path[path.length - 1]!;
  const parent = parents[parents.length - 1];
  if (last.startsWith('f:')) {
    if (isObj(parent)) delete parent[last.slice(2)];
  } else if (Array.isArray(parent)) {
    const item = step(parent, last);
    const i = parent.indexOf(item);
    if (i >= 0) parent.splice(i, 1);
  }
  // Prune maps the removal left empty (structured-merge-diff drops them with their last field).
  for (let i = parents.length - 1; i >= 1; i--) {
    const node = parents[i];
    const e = path[i - 1]!;
    const empty = isObj(node) ? Object.keys(node).length === 0 : Array.isArray(node) && node.length === 0;
    if (!empty || !e.startsWith('f:') || !isObj(parents[i - 1])) break;
    delete (parents[i - 1] as Obj)[e.slice(2)];
  }
}

/** metadata.managedFields[].fieldsV1 of a set: nested objects, "." marking a member that has children. */
export function toFieldsV1(set: FieldSet): Obj {
  const root: Obj = {};
  const sorted = [...set].sort((a, b) => a.length - b.length);
  for (const path of sorted) {
    let node = root;
    for (const e of path) {
      node[e] ??= {};
      node = node[e] as Obj;
    }
  }
  // A member that also has children is marked with ".".
  const mark = (node: Obj, path: PathElement[]) => {
    for (const [k, child] of Object.entries(node)) {
      if (k === '.') continue;
      const p = [...path, k];
      if (set.has(p) && Object.keys(child as Obj).length > 0) (child as Obj)['.'] = {};
      mark(child as Obj, p);
    }
  };
  mark(root, []);
  return root;
}

export function fromFieldsV1(fields: unknown): FieldSet {
  const set = new FieldSet();
  const walkV1 = (node: unknown, path: PathElement[]) => {
    if (!isObj(node)) return;
    const keys = Object.keys(node);
    if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) set.add(path);
    for (const k of keys) if (k !== '.') walkV1(node[k], [...path, k]);
  };
  walkV1(fields, []);
  return set;
}

/** A path as structured-merge-diff prints it in conflicts: `.spec.containers[name="web"].image`. */
export function displayPath(path: FieldPath): string {
  return path
    .map((e) => {
      if (e.startsWith('f:')) return `.${e.slice(2)}`;
      if (e.startsWith('k:')) {
        const key = JSON.parse(e.slice(2)) as Obj;
        return `[${Object.entries(key)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      return `[=${e.slice(2)}]`;
    })
    .join('');
}
