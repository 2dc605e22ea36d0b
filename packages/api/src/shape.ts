import { tryParseQuantity } from './quantity.js';
import { type JSONSchemaProps, type KindDefinition, kindApiVersion } from './kind.js';
import { schemaName } from './schema/builder.js';

/**
 * The JSON types of an object's fields, as far as the control plane reads them: what Go's typed
 * decoding enforces in kube-apiserver (a string where an int32 belongs is a decode error, not a
 * validation error). Objects are open: fields not described are not checked.
 */
export type Shape =
  | 'string'
  | 'bool'
  | 'int32'
  | 'int64'
  | 'number'
  | 'quantity'
  | 'time'
  | 'base64'
  | 'intOrString'
  | 'any'
  | { object: { [field: string]: Shape } }
  | { list: Shape }
  | { map: Shape };

export const shapeObject = (fields: { [field: string]: Shape }): Shape => ({ object: fields });
export const shapeList = (of: Shape): Shape => ({ list: of });
export const shapeMap = (of: Shape): Shape => ({ map: of });

export const ownerReferenceShape = shapeObject({ apiVersion: 'string', kind: 'string', name: 'string', uid: 'string', controller: 'bool', blockOwnerDeletion: 'bool' });

export const objectMetaShape = shapeObject({
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  generation: 'int64',
  creationTimestamp: 'time',
  deletionTimestamp: 'time',
  deletionGracePeriodSeconds: 'int64',
  labels: shapeMap('string'),
  annotations: shapeMap('string'),
  ownerReferences: shapeList(ownerReferenceShape),
  finalizers: shapeList('string'),
  managedFields: shapeList(shapeObject({ manager: 'string', operation: 'string', apiVersion: 'string', time: 'time', fieldsType: 'string', subresource: 'string' })),
});

/** A field whose JSON value does not fit its type: Go's "cannot unmarshal X into ... of type Y". */
export interface ShapeError {
  path: string;
  /** The JSON type found: "string", "number", "bool", "array", "object". */
  found: string;
  /** The Go type expected ("int32", "string", "map[string]string", ...) or why the value is bad. */
  expected: string;
  /** Set when the JSON type is right but the value cannot be decoded (a quantity, a time). */
  detail?: string;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function goType(s: Shape): string {
  if (typeof s === 'string') {
    return { string: 'string', bool: 'bool', int32: 'int32', int64: 'int64', number: 'float64', quantity: 'resource.Quantity', time: 'v1.Time', base64: '[]uint8', intOrString: 'intstr.IntOrString', any: 'interface {}' }[s];
  }
  if ('list' in s) return `[]${goType(s.list)}`;
  if ('map' in s) return `map[string]${goType(s.map)}`;
  return 'struct';
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32 = 2 ** 31;
const INT64 = 2 ** 63;

/** The zero value Go decodes a JSON null into, where it must be a value (list elements, map values). */
function zero(s: Shape): unknown {
  if (s === 'string' || s === 'base64') return '';
  if (s === 'bool') return false;
  if (s === 'int32' || s === 'int64' || s === 'number') return 0;
  if (typeof s === 'object' && 'object' in s) return {};
  return null;
}

/**
 * Checks value against shape (path names it in errors) and normalises JSON nulls as Go decoding
 * does: a null field is absent, a null list element or map value is its type's zero value.
 * Returns the first mismatch, or undefined. Mutates value (nulls only).
 */
export function checkShape(shape: Shape, value: unknown, path: string): ShapeError | undefined {
  const bad = (detail?: string): ShapeError => ({ path, found: jsonType(value), expected: goType(shape), ...(detail ? { detail } : {}) });
  if (shape === 'any' || value === null) return undefined;
  if (typeof shape === 'string') {
    switch (shape) {
      case 'string':
        return typeof value === 'string' ? undefined : bad();
      case 'bool':
        return typeof value === 'boolean' ? undefined : bad();
      case 'number':
        return typeof value === 'number' ? undefined : bad();
      case 'int32':
      case 'int64': {
        if (typeof value !== 'number') return bad();
        const limit = shape === 'int32' ? INT32 : INT64;
        return Number.isInteger(value) && value >= -limit && value < limit ? undefined : bad(`number ${value} does not fit ${shape}`);
      }
      case 'intOrString':
        return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < INT32) ? undefined : bad();
      case 'quantity':
        if (typeof value === 'number') return Number.isFinite(value) ? undefined : bad();
        if (typeof value !== 'string') return bad();
        return tryParseQuantity(value) ? undefined : bad("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
      case 'time':
        if (typeof value !== 'string') return bad();
        return rfc3339.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : bad(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
      case 'base64':
        if (typeof value !== 'string') return bad();
        return base64.test(value.replace(/[\r\n]/g, '')) ? undefined : bad('illegal base64 data');
    }
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return bad();
    for (let i = 0; i < value.length; i++) {
      if (value[i] === null) value[i] = zero(shape.list);
      const e = checkShape(shape.list, value[i], `${path}[${i}]`);
      if (e) return e;
    }
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return bad();
  const o = value as Record<string, unknown>;
  if ('map' in shape) {
    for (const k of Object.keys(o)) {
      if (o[k] === null) o[k] = zero(shape.map);
      const e = checkShape(shape.map, o[k], `${path}[${k}]`);
      if (e) return e;
    }
    return undefined;
  }
  for (const [field, fieldShape] of Object.entries(shape.object)) {
    if (!(field in o)) continue;
    if (o[field] === null) {
      delete o[field];
      continue;
    }
    const e = checkShape(fieldShape, o[field], path ? `${path}.${field}` : field);
    if (e) return e;
  }
  return undefined;
}

/** Go's wording for a shape error: "json: cannot unmarshal string into Go struct field .spec.x of type int32". */
export function formatShapeError(e: ShapeError): string {
  if (e.detail) return `${e.path}: ${e.detail}`;
  return `json: cannot unmarshal ${e.found === 'bool' ? 'bool' : e.found} into Go struct field ${e.path} of type ${e.expected}`;
}

/** Maximum JSON nesting kube-apiserver decodes (Go's encoding/json limit). */
export const MAX_JSON_DEPTH = 10_000;

/** Whether JSON text nests arrays/objects deeper than max (scanned without parsing, so it cannot overflow the stack). */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Why a decoded body cannot be an object of the kind, as kube's decoder would refuse it: not an
 * object, a mismatched apiVersion or kind, or a field of the wrong JSON type (metadata and the
 * kind's shape). Normalises nulls (see checkShape). Undefined when it decodes.
 */
export function objectShapeError(kind: Pick<KindDefinition, 'group' | 'version' | 'kind' | 'schema'>, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `json: cannot unmarshal ${jsonType(value)} into Go value of type struct`;
  const o = value as Record<string, unknown>;
  const apiVersion = kindApiVersion(kind);
  for (const [field, want] of [['apiVersion', apiVersion], ['kind', kind.kind]] as const) {
    if (o[field] === undefined || o[field] === null || o[field] === '') continue;
    if (typeof o[field] !== 'string') return `json: cannot unmarshal ${jsonType(o[field])} into Go struct field .${field} of type string`;
    if (o[field] !== want) return `the ${field === 'kind' ? 'kind' : 'API version'} in the data (${o[field]}) does not match the expected ${field === 'kind' ? 'kind' : 'API version'} (${want})`;
  }
  const e = checkShape(kindShape(kind), o, '');
  return e && formatShapeError({ ...e, path: `.${e.path}` });
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/**
 * The Shape a structural OpenAPI schema implies (what Go's typed decoding of that type
 * enforces): strings, booleans, int32/int64, numbers, RFC 3339 times, base64 bytes, Quantity,
 * IntOrString, objects (fields), maps (additionalProperties) and lists.
 */
export function shapeFromSchema(schema: JSONSchemaProps | undefined): Shape {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return 'any';
  if (schemaName(schema) === QUANTITY) return 'quantity';
  if (schema['x-kubernetes-int-or-string']) return 'intOrString';
  switch (schema.type) {
    case 'string':
      if (schema.format === 'date-time') return 'time';
      return schema.format === 'byte' ? 'base64' : 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
      return schema.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'number';
    case 'array':
      return shapeList(shapeFromSchema(schema.items));
    case 'object':
      if (schema.properties) return shapeObject(Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, shapeFromSchema(v)])));
      if (typeof schema.additionalProperties === 'object') return shapeMap(shapeFromSchema(schema.additionalProperties));
      return 'any';
    default:
      return 'any';
  }
}

const kindShapes = new WeakMap<object, Shape>();

/** The shape of a kind's objects: ObjectMeta plus what its schema declares (cached per schema). */
function kindShape(kind: Pick<KindDefinition, 'schema'>): Shape {
  const key = kind.schema ?? kindShapes;
  let shape = kindShapes.get(key);
  if (!shape) {
    const fromSchema = shapeFromSchema(kind.schema);
    const fields = typeof fromSchema === 'object' && 'object' in fromSchema ? fromSchema.object : {};
    shape = shapeObject({ ...fields, apiVersion: 'any', kind: 'any', metadata: objectMetaShape });
    kindShapes.set(key, shape);
  }
  return shape;
}
