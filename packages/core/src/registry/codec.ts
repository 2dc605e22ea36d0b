import { jsonEqualExcept, type KindDefinition, type KubeObject, kindApiVersion } from '@keelson/api';
import type { KeyValue } from '../store/store.js';

/** Objects are stored as JSON without resourceVersion; it is the key's modRevision on the way out. */
export function encodeObject(obj: KubeObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

export function decodeObject<T extends KubeObject = KubeObject>(kv: KeyValue): T {
  const obj = JSON.parse(kv.value) as T;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

/** A deep copy with apiVersion and kind set for the kind. */
export function typedCopy<T extends KubeObject>(kind: KindDefinition, obj: T): T {
  const copy = JSON.parse(JSON.stringify(obj)) as T;
  copy.apiVersion = kindApiVersion(kind);
  copy.kind = kind.kind;
  copy.metadata ??= {};
  return copy;
}

/** A JSON deep copy: objects handed in or out are never shared with the caller. */
export function deepCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** JSON with object keys sorted, so two objects compare equal whatever order their keys were set in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** The same stored object, ignoring resourceVersion and key order (a no-op write is skipped). */
export function sameObject(a: KubeObject, b: KubeObject): boolean {
  return jsonEqualExcept(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>, ['metadata']) && jsonEqualExcept({ ...a.metadata }, { ...b.metadata }, ['resourceVersion']);
}

const notSpec = ['metadata', 'status', 'apiVersion', 'kind'];

/** Everything but metadata and status is the same: a change there bumps metadata.generation. */
export function sameSpec(a: KubeObject, b: KubeObject): boolean {
  return jsonEqualExcept(a as unknown as Record<string, unknown>, b as unknown as Record<string, unknown>, notSpec);
}

/** The fields a field selector may name for an object of the kind. */
export function fieldGetter(kind: KindDefinition, obj: KubeObject): (field: string) => string | undefined {
  return (field) => {
    if (field === 'metadata.name') return obj.metadata.name;
    if (field === 'metadata.namespace') return kind.namespaced ? obj.metadata.namespace : '';
    const fn = kind.selectableFields?.[field];
    return fn ? (fn(obj) ?? '') : undefined;
  };
}
