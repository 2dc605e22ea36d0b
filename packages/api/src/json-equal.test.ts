import { describe, expect, it } from 'vitest';
import { jsonEqual, jsonEqualExcept } from './json-equal.js';

/** The definition jsonEqual shortcuts: JSON texts with sorted keys. */
function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x,
  );
}

describe('jsonEqual', () => {
  const cases: [unknown, unknown][] = [
    [1, 1],
    [1, '1'],
    [null, null],
    [null, {}],
    [{}, []],
    [[], []],
    [[1, 2], [2, 1]],
    [{ a: 1, b: { c: [1, { d: 'x' }] } }, { b: { c: [1, { d: 'x' }] }, a: 1 }],
    [{ a: 1, b: { c: [1, { d: 'x' }] } }, { b: { c: [1, { d: 'y' }] }, a: 1 }],
    [{ a: 1, gone: undefined }, { a: 1 }],
    [{ a: 1 }, { a: 1, b: null }],
    [{ a: 1 }, { a: 1, b: 2 }],
    [{ a: 1, b: 2 }, { a: 1 }],
    [{ a: undefined }, { b: undefined }],
    [[undefined], [null]],
    [[1, undefined], [1]],
    [{ a: [] }, { a: {} }],
    [{ a: '' }, { a: 0 }],
    [{ a: false }, { a: 0 }],
  ];
  it.each(cases)('%j vs %j agrees with comparing sorted JSON texts', (a, b) => {
    const want = sortedJson(a) === sortedJson(b);
    expect(jsonEqual(a, b)).toBe(want);
    expect(jsonEqual(b, a)).toBe(want);
  });

  it('ignores omitted properties at the top level only', () => {
    expect(jsonEqualExcept({ metadata: { rv: '1' }, spec: { a: 1 } }, { metadata: { rv: '2' }, spec: { a: 1 } }, ['metadata'])).toBe(true);
    expect(jsonEqualExcept({ metadata: { rv: '1' }, spec: { a: 1 } }, { spec: { a: 1 } }, ['metadata'])).toBe(true);
    expect(jsonEqualExcept({ spec: { metadata: 1 } }, { spec: {} }, ['metadata'])).toBe(false);
    expect(jsonEqualExcept({ a: 1 }, { a: 1, status: {} }, ['status'])).toBe(true);
  });
});
