import { type KindDefinition, type KubeObject, kindApiVersion } from '@keelson/api';
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

/** Everything but metadata and status: a change here bumps metadata.generation. */
export function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
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
