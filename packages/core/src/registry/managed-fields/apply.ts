import { ApiError, jsonEqual, type KubeObject, type ManagedFieldsEntry, type StatusCause } from '@keelson/api';
import { canonicalJson, deepCopy } from '../codec.js';
import type { PatchMetaLookup } from '../strategic-merge.js';
import { displayPath, type FieldPath, type FieldScope, FieldSet, fieldSetOf, itemKey, listKeys, removeAt, valueAt } from './fieldset.js';
import { baseManagers, encodeManagers, type FieldOwner, managerFor, type WriteIdentity } from './managers.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ApplyOptions {
  /** The applier: operation "Apply". */
  id: WriteIdentity;
  force: boolean;
  meta: PatchMetaLookup;
  scope: FieldScope;
}

export interface ApplyResult {
  object: KubeObject;
  managedFields: ManagedFieldsEntry[] | undefined;
}

/**
 * Server-side apply (structured-merge-diff's Apply): the configuration is merged into the live
 * object (maps by key, associative lists by their keys, sets by value, anything else replaced);
 * fields the applier managed before and no longer configures are removed unless another manager
 * owns them; a field whose value changes and that another manager owns is a conflict (409)
 * unless forced, in which case the applier takes it over. The applier then owns exactly its
 * configuration.
 */
export function serverSideApply(live: KubeObject | undefined, config: KubeObject, o: ApplyOptions): ApplyResult {
  const cfg = deepCopy(config);
  delete cfg.metadata.managedFields;
  const configSet = fieldSetOf(cfg, o.meta, o.scope);
  const managers = baseManagers(undefined, live?.metadata.managedFields);
  const self = managerFor(managers, o.id);
  const previous = self.set;
  const others = managers.filter((m) => m !== self);

  const merged = (live ? mergeApply(deepCopy(live), cfg, [], o.meta) : cfg) as KubeObject;
  // Fields this applier dropped from its configuration, that nobody else manages.
  // Removed outermost first; what lies under a removed path goes with it.
  const dropped = [...previous.difference(configSet)].filter((p) => !others.some((m) => m.set.hasPrefix(p))).sort((a, b) => a.length - b.length);
  const removed = new FieldSet();
  for (const p of dropped) {
    if (p.some((_, i) => i < p.length - 1 && removed.has(p.slice(0, i + 1)))) continue;
    removeAt(merged, p);
    removed.add(p);
  }

  if (live) {
    const changed = new FieldSet();
    for (const p of configSet) {
      const last = p[p.length - 1]!;
      if (last.startsWith('k:') || last.startsWith('v:')) continue;
      if (!jsonEqual(valueAt(live, p), valueAt(merged, p))) changed.add(p);
    }
    const conflicts: { manager: FieldOwner; path: FieldPath }[] = [];
    for (const m of others) for (const p of m.set.intersection(changed)) conflicts.push({ manager: m, path: p });
    if (conflicts.length > 0 && !o.force) throw applyConflict(conflicts);
    for (const m of others) m.set = m.set.difference(changed);
  }
  self.set = configSet;
  return { object: merged, managedFields: encodeManagers(managers, o.id.time) };
}

/** Merges an apply configuration into the live value at a path (`names`: the field names so far). */
function mergeApply(live: unknown, config: unknown, names: string[], meta: PatchMetaLookup): unknown {
  if (isObj(live) && isObj(config)) {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(config)) {
      if (v === undefined) continue;
      if (v === null) delete out[k];
      else out[k] = k in live ? mergeApply(live[k], v, [...names, k], meta) : deepCopy(v);
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(config)) {
    const keys = listKeys(meta, names);
    const defaults = meta(names).keyDefaults;
    const keyOf = (item: unknown) => (keys && isObj(item) ? canonicalJson(keys.map((k) => itemKey(item, k, defaults) ?? null)) : undefined);
    if (keys && [...live, ...config].every((item) => keyOf(item) !== undefined)) {
      const out = [...live];
      for (const item of config) {
        const i = out.findIndex((x) => keyOf(x) === keyOf(item));
        if (i >= 0) out[i] = mergeApply(out[i], item, names, meta);
        else out.push(deepCopy(item));
      }
      return out;
    }
    const m = meta(names);
    if (!m.mergeKey && m.strategy?.split(',').includes('merge') && [...live, ...config].every((v) => v === null || typeof v !== 'object')) {
      const seen = new Set(live.map((v) => JSON.stringify(v)));
      return [...live, ...config.filter((v) => !seen.has(JSON.stringify(v)))];
    }
  }
  return deepCopy(config);
}

/** The 409 kube-apiserver answers for apply conflicts (apimachinery's NewConflictError). */
function applyConflict(conflicts: { manager: FieldOwner; path: FieldPath }[]): ApiError {
  const who = (m: FieldOwner) => {
    let s = JSON.stringify(m.entry.manager ?? '');
    if (m.entry.subresource) s += ` with subresource ${JSON.stringify(m.entry.subresource)}`;
    return m.entry.operation === 'Update' ? `${s} using ${m.entry.apiVersion ?? ''}` : s;
  };
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${who(c.manager)}`, field: displayPath(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${who(conflicts[0]!.manager)}: ${displayPath(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const k = who(c.manager);
      byManager.set(k, [...(byManager.get(k) ?? []), displayPath(c.path)]);
    }
    const lines = [...byManager.keys()].sort().flatMap((k) => [`conflicts with ${k}:`, ...byManager.get(k)!.map((p) => `- ${p}`)]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
