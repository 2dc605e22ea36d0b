import { badRequest, type JSONSchemaProps } from '@keelson/api';

/** How a list field merges: its merge key ("name"), and its patch strategy ("merge", "retainKeys"). */
export interface PatchMeta {
  mergeKey?: string;
  strategy?: string;
  /** Server-side apply: the keys identifying items of an associative list (x-kubernetes-list-map-keys). */
  listMapKeys?: string[];
  /** Defaults of list map keys (the schema's `default`, e.g. protocol TCP): an item without the key has this value. */
  keyDefaults?: Record<string, unknown>;
}

export type PatchMetaLookup = (path: readonly string[]) => PatchMeta;

/**
 * The merge keys Kubernetes' own types declare (patchMergeKey/patchStrategy struct tags), used when
 * a kind brings no schema. Matched on the last field names of the path.
 */
const knownLists: [suffix: string[], meta: PatchMeta][] = [
  [['containers', 'ports'], { mergeKey: 'containerPort', strategy: 'merge', listMapKeys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } }],
  [['initContainers', 'ports'], { mergeKey: 'containerPort', strategy: 'merge', listMapKeys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } }],
  [['ephemeralContainers', 'ports'], { mergeKey: 'containerPort', strategy: 'merge', listMapKeys: ['containerPort', 'protocol'], keyDefaults: { protocol: 'TCP' } }],
  [['spec', 'ports'], { mergeKey: 'port', strategy: 'merge', listMapKeys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } }],
  [['containers'], { mergeKey: 'name', strategy: 'merge' }],
  [['initContainers'], { mergeKey: 'name', strategy: 'merge' }],
  [['ephemeralContainers'], { mergeKey: 'name', strategy: 'merge' }],
  [['env'], { mergeKey: 'name', strategy: 'merge' }],
  [['volumeMounts'], { mergeKey: 'mountPath', strategy: 'merge' }],
  [['volumeDevices'], { mergeKey: 'devicePath', strategy: 'merge' }],
  [['volumes'], { mergeKey: 'name', strategy: 'merge,retainKeys' }],
  [['imagePullSecrets'], { mergeKey: 'name', strategy: 'merge' }],
  [['hostAliases'], { mergeKey: 'ip', strategy: 'merge' }],
  [['ownerReferences'], { mergeKey: 'uid', strategy: 'merge' }],
  [['finalizers'], { strategy: 'merge' }],
  [['conditions'], { mergeKey: 'type', strategy: 'merge' }],
  [['topologySpreadConstraints'], { mergeKey: 'topologyKey', strategy: 'merge' }],
  [['resourceClaims'], { mergeKey: 'name', strategy: 'merge' }],
  [['podIPs'], { mergeKey: 'ip', strategy: 'merge' }],
  [['addresses'], { mergeKey: 'type', strategy: 'merge' }],
];

export function knownPatchMeta(path: readonly string[]): PatchMeta {
  for (const [suffix, meta] of knownLists) {
    if (suffix.length <= path.length && suffix.every((s, i) => path[path.length - suffix.length + i] === s)) {
      // A Service's spec.ports merge by port; a container's ports by containerPort (matched first above).
      if (suffix[0] === 'spec' && path.length >= 3 && ['containers', 'initContainers', 'ephemeralContainers'].includes(path[path.length - 3]!)) continue;
      return meta;
    }
  }
  return {};
}

/** Patch meta from an OpenAPI schema's x-kubernetes-patch-* extensions, falling back to the known types. */
export function schemaPatchMeta(schema: JSONSchemaProps | undefined): PatchMetaLookup {
  return (path) => {
    let node: JSONSchemaProps | undefined = schema;
    for (const field of path) {
      while (node?.type === 'array' || node?.items) node = node?.items;
      node = node?.properties?.[field] ?? (typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined);
      if (!node) break;
    }
    const listMapKeys = node?.['x-kubernetes-list-type'] === 'map' ? node['x-kubernetes-list-map-keys'] : undefined;
    const keyDefaults = listMapKeys && keyDefaultsOf(node!.items, listMapKeys);
    const keys = listMapKeys ? { listMapKeys, ...(keyDefaults ? { keyDefaults } : {}) } : {};
    if (node && (node['x-kubernetes-patch-merge-key'] || node['x-kubernetes-patch-strategy'])) {
      return { mergeKey: node['x-kubernetes-patch-merge-key'], strategy: node['x-kubernetes-patch-strategy'], ...keys };
    }
    if (listMapKeys?.length) return { mergeKey: listMapKeys[0], strategy: 'merge', ...keys };
    if (node?.['x-kubernetes-list-type'] === 'set') return { strategy: 'merge' };
    return knownPatchMeta(path);
  };
}

/** The schema defaults of an associative list's keys (ServicePort.protocol: "TCP"), if any key has one. */
function keyDefaultsOf(items: JSONSchemaProps | undefined, keys: readonly string[]): Record<string, unknown> | undefined {
  const defaults: Record<string, unknown> = {};
  for (const key of keys) {
    const d = items?.properties?.[key]?.default;
    // A zero value ('' or 0) is what Go's defaulting leaves anyway; only a real default identifies an item.
    if (d !== undefined && d !== '' && d !== 0) defaults[key] = d;
  }
  return Object.keys(defaults).length ? defaults : undefined;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const DELETE = Symbol('delete');

/**
 * Applies a strategic merge patch (sigs.k8s.io/structured-merge-diff's predecessor,
 * apimachinery's strategicpatch): maps merge, null deletes, lists merge by merge key where the
 * field declares one (else replace), and the directives $patch (merge|replace|delete),
 * $retainKeys, $setElementOrder/<list> and $deleteFromPrimitiveList/<list>.
 */
export function strategicMergePatch(original: unknown, patch: unknown, meta: PatchMetaLookup): unknown {
  if (!isObj(patch)) throw badRequest('a strategic merge patch must be a JSON object');
  const out = mergeMap(isObj(original) ? original : {}, patch, [], meta);
  return out === DELETE ? {} : out;
}

function mergeMap(original: Obj, patch: Obj, path: string[], meta: PatchMetaLookup): Obj | typeof DELETE {
  const directive = patch.$patch;
  if (directive === 'delete') return DELETE;
  if (directive === 'replace') {
    const { $patch: _, ...rest } = patch;
    return stripDirectives(rest) as Obj;
  }
  if (directive !== undefined && directive !== 'merge') throw badRequest(`unknown patch directive: ${JSON.stringify(directive)}`);
  const out: Obj = { ...original };
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw badRequest('$retainKeys must be a list of field names');
    for (const k of Object.keys(out)) if (!retain.includes(k) && !(k in patch)) delete out[k];
  }
  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      if (!Array.isArray(v)) throw badRequest(`${k} must be a list`);
      orders.push([k.slice('$setElementOrder/'.length), v]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (!Array.isArray(v)) throw badRequest(`${k} must be a list`);
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !v.some((d) => d === x));
      continue;
    }
    const childPath = [...path, k];
    if (v === null) {
      delete out[k];
    } else if (isObj(v)) {
      const merged = mergeMap(isObj(out[k]) ? (out[k] as Obj) : {}, v, childPath, meta);
      if (merged === DELETE) delete out[k];
      else out[k] = merged;
    } else if (Array.isArray(v)) {
      out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as Json[]) : [], v, childPath, meta);
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of orders) {
    const list = out[field];
    if (Array.isArray(list)) out[field] = applyOrder(list, order, meta([...path, field]).mergeKey);
  }
  return out;
}

function mergeList(original: Json[], patch: Json[], path: string[], meta: PatchMetaLookup): Json[] {
  const { mergeKey, strategy } = meta(path);
  const merging = strategy?.split(',').includes('merge');
  // A {$patch: replace} element replaces the whole list with the other elements.
  if (patch.some((e) => isObj(e) && e.$patch === 'replace' && Object.keys(e).length === 1)) {
    return patch.filter((e) => !(isObj(e) && e.$patch === 'replace')).map(stripDirectives);
  }
  if (!merging) return patch.map(stripDirectives);
  if (!mergeKey) {
    // A merging list of primitives: union, original order first.
    const out = [...original];
    for (const e of patch) if (!out.some((o) => JSON.stringify(o) === JSON.stringify(e))) out.push(e);
    return out;
  }
  const out = [...original];
  for (const e of patch) {
    if (!isObj(e)) throw badRequest(`list ${path.join('.')} merges by "${mergeKey}": its elements must be objects`);
    const key = e[mergeKey];
    const i = out.findIndex((o) => isObj(o) && o[mergeKey] === key);
    if (e.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) {
      const merged = mergeMap(out[i] as Obj, e, path, meta);
      if (merged === DELETE) out.splice(i, 1);
      else out[i] = merged;
    } else {
      out.push(stripDirectives(e));
    }
  }
  return out;
}

/** Orders a list like $setElementOrder says; elements it does not name keep their place after. */
function applyOrder(list: Json[], order: Json[], mergeKey: string | undefined): Json[] {
  const keyOf = (e: Json) => (mergeKey && isObj(e) ? JSON.stringify(e[mergeKey]) : JSON.stringify(e));
  const orderKeys = order.map((o) => (mergeKey && isObj(o) ? JSON.stringify(o[mergeKey]) : JSON.stringify(o)));
  const rank = (e: Json) => {
    const r = orderKeys.indexOf(keyOf(e));
    return r < 0 ? Number.MAX_SAFE_INTEGER : r;
  };
  return list
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i)
    .map((x) => x.e);
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/')) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}
