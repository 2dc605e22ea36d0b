import { describe, expect, it } from 'vitest';
import * as schema from './schema/index.js';
import { checkShape, jsonTooDeep, shapeList as list, shapeMap as map, shapeObject as obj, objectShapeError } from './shape.js';

const spec = schema.obj('spec', {
  replicas: schema.int32('replicas'),
  size: schema.quantity('size'),
  at: schema.time('at'),
  blob: schema.bytes('blob'),
  names: schema.strList('names'),
  tags: schema.strMap('tags'),
});
/** The shape comes from the kind's OpenAPI schema (shapeFromSchema). */
const kind = { group: 'example.com', version: 'v1', kind: 'Widget', schema: schema.obj('Widget', { spec }) };

describe('objectShapeError (what Go typed decoding refuses)', () => {
  it('accepts a well-typed object, with unknown fields left alone', () => {
    expect(objectShapeError(kind, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { a: 'b' } }, spec: { replicas: 3, size: '1Gi', at: '2024-01-02T03:04:05Z', blob: 'aGk=', extra: { any: [1] } } })).toBeUndefined();
    expect(objectShapeError(kind, { metadata: { name: 'w' } })).toBeUndefined();
  });

  it.each([
    ['an array', [], /cannot unmarshal array into Go value/],
    ['a number', 5, /cannot unmarshal number/],
    ['null', null, /cannot unmarshal null/],
    ['metadata as a string', { metadata: 'x' }, /cannot unmarshal string into Go struct field \.metadata of type struct/],
    ['a number name', { metadata: { name: 5 } }, /field \.metadata\.name of type string/],
    ['a number label value', { metadata: { labels: { a: 5 } } }, /\.metadata\.labels\[a\] of type string/],
    ['labels as a list', { metadata: { labels: ['a'] } }, /map\[string\]string/],
    ['finalizers as a string', { metadata: { finalizers: 'x' } }, /\[\]string/],
    ['a string int32', { spec: { replicas: '3' } }, /\.spec\.replicas of type int32/],
    ['a fractional int32', { spec: { replicas: 1.5 } }, /does not fit int32/],
    ['an int32 out of range', { spec: { replicas: 1e99 } }, /does not fit int32/],
    ['a garbage quantity', { spec: { size: 'lots' } }, /quantities must match/],
    ['a garbage time', { spec: { at: 'yesterday' } }, /parsing time/],
    ['bad base64', { spec: { blob: '!!!' } }, /illegal base64/],
    ['another kind', { kind: 'Gadget' }, /kind in the data \(Gadget\) does not match the expected kind \(Widget\)/],
    ['another apiVersion', { apiVersion: 'v1' }, /API version in the data \(v1\) does not match/],
    ['a number kind', { kind: 5 }, /\.kind of type string/],
  ])('refuses %s', (_what, value, want) => {
    expect(objectShapeError(kind, value)).toMatch(want);
  });

  it('normalises nulls as Go does: absent fields, zero list elements and map values', () => {
    const o = { metadata: { name: 'w', labels: { a: null }, finalizers: [null], annotations: null }, spec: { names: ['a', null], replicas: null } };
    expect(objectShapeError(kind, o)).toBeUndefined();
    expect(o).toEqual({ metadata: { name: 'w', labels: { a: '' }, finalizers: [''] }, spec: { names: ['a', ''] } });
  });

  it('stops at the first mismatch inside lists', () => {
    expect(checkShape(list(obj({ port: 'int32' })), [{ port: 1 }, { port: 'x' }], 'ports')).toMatchObject({ path: 'ports[1].port', found: 'string', expected: 'int32' });
  });
});

describe('jsonTooDeep', () => {
  it('counts nesting outside strings only', () => {
    expect(jsonTooDeep('['.repeat(10_000) + ']'.repeat(10_000))).toBe(false);
    expect(jsonTooDeep('['.repeat(10_001) + ']'.repeat(10_001))).toBe(true);
    expect(jsonTooDeep(JSON.stringify({ a: '['.repeat(20_000) }))).toBe(false);
    expect(jsonTooDeep(JSON.stringify({ a: '\\"' + '{'.repeat(20_000) }))).toBe(false);
  });
});
