import { describe, expect, it } from 'vitest';
import { escapeFieldValue, FieldSelectorParseError, parseFieldSelector, requiresExactMatch } from './fields.js';
import { getScaledValueFromIntOrPercent, IntOrStringError } from './intstr.js';
import { everything, formatLabelSelector, labelSelectorAsSelector, nothing, parseSelector, SelectorParseError, selectorFromSet } from './labels.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './validation.js';

const L = { app: 'web', tier: 'front', version: '3' };

describe('label selectors', () => {
  // [selector, labels, matches] — every operator, present and absent keys (labels/selector_test.go).
  it.each([
    ['', L, true], ['app=web', L, true], ['app==web', L, true], ['app=db', L, false], ['app!=db', L, true], ['app!=web', L, false],
    ['missing!=x', L, true], ['missing=x', L, false], ['app in (web,db)', L, true], ['app in (db)', L, false], ['missing in (x)', L, false],
    ['app notin (db)', L, true], ['app notin (web,db)', L, false], ['missing notin (x)', L, true], ['app', L, true], ['missing', L, false],
    ['!missing', L, true], ['!app', L, false], ['version>2', L, true], ['version>3', L, false], ['version<4', L, true], ['missing>1', L, false],
    ['tier>1', L, false], ['app=web,tier=front', L, true], ['app=web,tier=back', L, false], ['app=web, tier in (front), !canary', L, true],
    ['app=', { app: '' }, true], ['app=', L, false], ['x in (a,)', { x: '' }, true], ['example.com/role=a', { 'example.com/role': 'a' }, true],
  ])('%j on %j → %s', (sel, labels, want) => {
    expect(parseSelector(sel).matches(labels)).toBe(want);
  });

  it.each([
    ['app in (web', /expected: ',' or '\)'/], ['app in web', /expected: '\('/], ['app=web,', /identifier after ','/], ['!', /identifier after '!'/],
    [',', /expected: !, identifier/], ['app>x', /exactly one integer/], ['a b', /expected: in, notin/], ['-bad=1', /key: Invalid value/],
    ['app=-bad-', /Invalid value: "-bad-"/], ['app notin ()', null],
  ])('rejects %j', (sel, message) => {
    if (message === null) return expect(() => parseSelector(sel)).not.toThrow();
    expect(() => parseSelector(sel)).toThrow(SelectorParseError);
    expect(() => parseSelector(sel)).toThrow(message);
  });

  it('prints canonically: sorted by key, values sorted', () => {
    expect(parseSelector('z=1,a in (c,b),!d,e,x!=y,n>5,m<2').toString()).toBe('a in (b,c),!d,e,m<2,n>5,x!=y,z=1');
    expect(selectorFromSet({ b: '2', a: '1' }).toString()).toBe('a=1,b=2');
  });

  it('converts metav1.LabelSelector like LabelSelectorAsSelector', () => {
    const s = labelSelectorAsSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }, { key: 'canary', operator: 'DoesNotExist' }] });
    expect(s.toString()).toBe('app=web,!canary,tier in (back,front)');
    expect(s.matches(L)).toBe(true);
    expect(labelSelectorAsSelector({}).matches({})).toBe(true);
    expect(labelSelectorAsSelector(undefined).matches({})).toBe(false);
    expect(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(/values set can't be empty/);
    expect(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(/must be empty/);
    expect(formatLabelSelector({ matchLabels: { app: 'nginx-pod' } })).toBe('app=nginx-pod');
    expect(formatLabelSelector({})).toBe('<none>');
    expect(everything().empty()).toBe(true);
    expect(nothing().matches({})).toBe(false);
  });
});

describe('field selectors', () => {
  const fields: Record<string, string> = { 'metadata.name': 'a,b', 'spec.nodeName': 'node1', 'status.phase': 'Running' };
  const get = (f: string) => fields[f];
  it.each([
    ['', true], ['spec.nodeName=node1', true], ['spec.nodeName==node1', true], ['spec.nodeName!=node1', false],
    ['spec.nodeName=node1,status.phase!=Failed,status.phase!=Succeeded', true], ['status.phase=Pending', false],
    ['metadata.name=a\\,b', true], ['spec.unknown=x', false], ['spec.unknown!=x', true],
  ])('%j → %s', (sel, want) => {
    expect(parseFieldSelector(sel).matches(get)).toBe(want);
  });
  it('rejects malformed terms and escapes values', () => {
    expect(() => parseFieldSelector('spec.nodeName')).toThrow(FieldSelectorParseError);
    expect(() => parseFieldSelector('=x')).toThrow(/field name is empty/);
    expect(() => parseFieldSelector('a=b\\x')).toThrow(/invalid escape/);
    expect(escapeFieldValue('a,b=c\\')).toBe('a\\,b\\=c\\\\');
    expect(parseFieldSelector('a=x\\=y').toString()).toBe('a=x\\=y');
    expect(requiresExactMatch(parseFieldSelector('metadata.name=foo,x!=y'), 'metadata.name')).toBe('foo');
  });
});

describe('IntOrString scaling', () => {
  it.each([
    [1, 10, true, 1], ['25%', 3, true, 1], ['25%', 3, false, 0], ['25%', 10, true, 3], ['25%', 10, false, 2], ['50%', 5, true, 3], ['50%', 5, false, 2],
    ['0%', 10, true, 0], ['100%', 7, false, 7], ['10%', 1, true, 1], ['10%', 1, false, 0],
  ] as const)('%j of %d (roundUp %s) → %d', (v, total, up, want) => {
    expect(getScaledValueFromIntOrPercent(v, total, up)).toBe(want);
  });
  it('rejects non-percent strings', () => {
    expect(() => getScaledValueFromIntOrPercent('5', 10, true)).toThrow(IntOrStringError);
    expect(() => getScaledValueFromIntOrPercent('x%', 10, true)).toThrow(IntOrStringError);
  });
});

describe('name validation', () => {
  it('uses Kubernetes messages', () => {
    expect(isDNS1123Subdomain('example.com')).toEqual([]);
    expect(isDNS1123Subdomain('Example')[0]).toMatch(/^a lowercase RFC 1123 subdomain must consist of/);
    expect(isDNS1123Subdomain('a'.repeat(254))).toContain('must be no more than 253 characters');
    expect(isDNS1123Label('a.b')[0]).toMatch(/RFC 1123 label/);
    expect(isQualifiedName('example.com/Name_1')).toEqual([]);
    expect(isQualifiedName('/x')).toContain('prefix part must be non-empty');
    expect(isQualifiedName('a/b/c')[0]).toMatch(/qualified name/);
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('-x')[0]).toMatch(/a valid label must be an empty string/);
  });
});
