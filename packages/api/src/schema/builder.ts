/**
 * A small DSL for structural OpenAPI schemas (JSONSchemaProps) with Kubernetes' extensions.
 *
 * Schemas built here stay plain, fully inlined JSONSchemaProps trees (the strategic-merge code
 * walks `properties` / `items` directly). A schema can carry a type name
 * (`named('io.k8s.api.core.v1.Container', ...)`); the OpenAPI publisher hoists named schemas into
 * `components.schemas` and references them with `allOf: [{$ref}]`, as kube-apiserver does.
 */
import type { JSONSchemaProps } from '../kind.js';

type S = JSONSchemaProps;

const NAME = Symbol.for('keelson.schema.name');
const TYPE_DOC = Symbol.for('keelson.schema.typeDescription');

type Tagged = S & { [NAME]?: string; [TYPE_DOC]?: string };

/** Extra keys (format, default, extensions...) merged into a built schema. */
export type SchemaExtras = Partial<S>;

export const str = (description: string, extra?: SchemaExtras): S => ({ type: 'string', description, ...extra });
/** A string with a fixed set of values (kube's +enum types). */
export const strEnum = (description: string, values: readonly string[], extra?: SchemaExtras): S => ({ type: 'string', description, enum: [...values], ...extra });
export const bool = (description: string, extra?: SchemaExtras): S => ({ type: 'boolean', description, ...extra });
export const int32 = (description: string, extra?: SchemaExtras): S => ({ type: 'integer', format: 'int32', description, ...extra });
export const int64 = (description: string, extra?: SchemaExtras): S => ({ type: 'integer', format: 'int64', description, ...extra });
export const num = (description: string, extra?: SchemaExtras): S => ({ type: 'number', format: 'double', description, ...extra });
/** Base64-encoded bytes. */
export const bytes = (description?: string): S => ({ type: 'string', format: 'byte', ...(description === undefined ? {} : { description }) });

export interface ObjOptions {
  required?: string[];
  /** x-kubernetes-map-type: "atomic" for structs that are replaced as a whole. */
  mapType?: 'atomic' | 'granular';
  extra?: SchemaExtras;
}

/** An object with fixed properties. */
export function obj(description: string, properties: Record<string, S>, opts: ObjOptions = {}): S {
  const s: S = { type: 'object', description, properties };
  if (opts.required?.length) s.required = opts.required;
  if (opts.mapType) s['x-kubernetes-map-type'] = opts.mapType;
  return { ...s, ...opts.extra };
}

/** A map from string keys to values of one schema (Go map[string]T). */
export function mapOf(description: string, value: S, mapType?: 'atomic' | 'granular'): S {
  const s: S = { type: 'object', description, additionalProperties: value };
  if (mapType) s['x-kubernetes-map-type'] = mapType;
  return s;
}

/** map[string]string: labels, annotations, data. */
export const strMap = (description: string, mapType?: 'atomic' | 'granular'): S => mapOf(description, { type: 'string', default: '' }, mapType);

export interface ListOptions {
  listType?: 'atomic' | 'set' | 'map';
  mapKeys?: string[];
  /** x-kubernetes-patch-merge-key (strategic merge patch). */
  mergeKey?: string;
  /** x-kubernetes-patch-strategy: "merge", "replace", "retainKeys" or "merge,retainKeys". */
  strategy?: string;
}

/** An array; extensions in the order kube-openapi prints them. */
export function list(description: string, items: S, opts: ListOptions = {}): S {
  const s: S = { type: 'array', description, items };
  if (opts.mapKeys) s['x-kubernetes-list-map-keys'] = opts.mapKeys;
  if (opts.listType) s['x-kubernetes-list-type'] = opts.listType;
  if (opts.mergeKey) s['x-kubernetes-patch-merge-key'] = opts.mergeKey;
  if (opts.strategy) s['x-kubernetes-patch-strategy'] = opts.strategy;
  return s;
}

/** +listType=atomic: replaced as a whole. */
export const atomic = (description: string, items: S): S => list(description, items, { listType: 'atomic' });
/** A list of strings (atomic unless told). */
export const strList = (description: string, opts: ListOptions = { listType: 'atomic' }): S => list(description, { type: 'string', default: '' }, opts);

/**
 * +listType=map with +listMapKey=keys. `strategy` adds the strategic-merge tags
 * (patchStrategy, with patchMergeKey = the first key unless `mergeKey` says otherwise).
 */
export function listMap(description: string, keys: string[], items: S, strategy?: string, mergeKey?: string): S {
  return list(description, items, { listType: 'map', mapKeys: keys, ...(strategy ? { strategy, mergeKey: mergeKey ?? keys[0] } : {}) });
}

/** Gives a schema its OpenAPI type name ("io.k8s.api.core.v1.Container"); its description is the type's. */
export function named(name: string, schema: S): S {
  const s = { ...schema } as Tagged;
  Object.defineProperty(s, NAME, { value: name, enumerable: true });
  Object.defineProperty(s, TYPE_DOC, { value: schema.description, enumerable: true });
  return s;
}

/** Uses a (named) schema as a field, with the field's own description (and extras such as default). */
export function field(description: string, schema: S, extra?: SchemaExtras): S {
  return { ...schema, description, ...extra };
}

/** The OpenAPI type name of a schema built with `named`, if any. */
export function schemaName(schema: S): string | undefined {
  return (schema as Tagged)[NAME];
}

/** The description of a named schema's type (the field's own description may differ). */
export function typeDescription(schema: S): string | undefined {
  return (schema as Tagged)[TYPE_DOC];
}

/** The schema without its name: a plain copy (own string keys only). */
export function unnamed(schema: S): S {
  return Object.fromEntries(Object.entries(schema)) as S;
}

/** k8s.io/apimachinery/pkg/util/intstr.IntOrString. */
export const IntOrStringSchema: S = named('io.k8s.apimachinery.pkg.util.intstr.IntOrString', {
  description: 'IntOrString is a type that can hold an int32 or a string.',
  'x-kubernetes-int-or-string': true,
});

/** k8s.io/apimachinery/pkg/api/resource.Quantity: "500m", "1Gi", or a number. */
export const QuantitySchema: S = named('io.k8s.apimachinery.pkg.api.resource.Quantity', {
  description:
    'Quantity is a fixed-point representation of a number, serialized as a string such as "100m", "1.5Gi" or "2": a decimal number followed by an optional SI suffix (m, k, M, G, T, P, E), binary suffix (Ki, Mi, Gi, Ti, Pi, Ei) or decimal exponent (e3).',
  'x-kubernetes-int-or-string': true,
});

export const intOrString = (description: string): S => field(description, IntOrStringSchema);
export const quantity = (description: string): S => field(description, QuantitySchema);
/** map[ResourceName]Quantity: requests, limits, capacity. */
export const quantityMap = (description: string): S => mapOf(description, QuantitySchema);
