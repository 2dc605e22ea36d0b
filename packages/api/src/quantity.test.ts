import { describe, expect, it } from 'vitest';
import { Quantity, QuantityParseError } from './quantity.js';

describe('Quantity', () => {
  // [input, canonical string] — cases from apimachinery's quantity_test.go.
  it.each([
    ['0', '0'], ['0n', '0'], ['0u', '0'], ['0m', '0'], ['0Ki', '0'], ['0k', '0'], ['0Mi', '0'], ['0M', '0'], ['0e0', '0'],
    ['1', '1'], ['1n', '1n'], ['1u', '1u'], ['1m', '1m'], ['1k', '1k'], ['1M', '1M'], ['1G', '1G'], ['1T', '1T'], ['1P', '1P'], ['1E', '1E'],
    ['1Ki', '1Ki'], ['1Mi', '1Mi'], ['1Gi', '1Gi'], ['1Ti', '1Ti'], ['1Pi', '1Pi'], ['1Ei', '1Ei'],
    ['1e3', '1e3'], ['1E6', '1e6'], ['1e-3', '1e-3'], ['1e0', '1'],
    ['100Mi', '100Mi'], ['1.5Gi', '1536Mi'], ['0.5Gi', '512Mi'], ['1024', '1024'], ['1024Ki', '1Mi'], ['1536Ki', '1536Ki'],
    ['0.1', '100m'], ['.1', '100m'], ['1.', '1'], ['0.001', '1m'], ['1000m', '1'], ['1500m', '1500m'], ['1500', '1500'], ['1000', '1k'],
    ['0.1m', '100u'], ['100m', '100m'], ['250m', '250m'], ['1.5', '1500m'], ['2.5k', '2500'], ['12e6', '12e6'], ['12M', '12M'],
    ['0.5', '500m'], ['+1', '1'], ['-1', '-1'], ['-1Ki', '-1Ki'], ['-0.1', '-100m'], ['1.1Ki', '1126400m'], ['512Ki', '512Ki'],
    // Rounding below nano precision: up, away from zero.
    ['0.1n', '1n'], ['1.0001n', '2n'], ['-0.1n', '-1n'], ['1e-10', '1e-9'],
    ['1000Ki', '1000Ki'], ['1023', '1023'], ['100e3', '100e3'], ['1E', '1E'], ['2000E', '2e21'],
  ])('parses %s → %s', (input, canonical) => {
    expect(Quantity.parse(input).toString()).toBe(canonical);
  });

  it.each(['', ' ', '1.1.1', '.', '+.', 'a', '1K', '1ki', '1KiB', '1i', 'Mi', '1e', '1e+', '1Mi1', '--1', '1.5i'])('rejects %j', (input) => {
    expect(() => Quantity.parse(input)).toThrow(QuantityParseError);
  });

  it('reports Kubernetes messages', () => {
    expect(() => Quantity.parse('abc')).toThrow("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    expect(() => Quantity.parse('1.1.1')).toThrow('unable to parse numeric part of quantity');
    expect(() => Quantity.parse('1K')).toThrow("unable to parse quantity's suffix");
  });

  it.each([
    ['1', '1000m', 0], ['1Ki', '1024', 0], ['1k', '1Ki', -1], ['1Gi', '1G', 1], ['100m', '0.1', 0], ['1n', '0', 1], ['-1', '1', -1], ['1.5Gi', '1536Mi', 0],
  ])('compares %s with %s → %d', (a, b, want) => {
    expect(Quantity.parse(a).cmp(Quantity.parse(b))).toBe(want);
  });

  it('adds, subtracts and scales exactly', () => {
    expect(Quantity.parse('100m').add(Quantity.parse('900m')).toString()).toBe('1');
    expect(Quantity.parse('1Gi').sub(Quantity.parse('512Mi')).toString()).toBe('512Mi');
    expect(Quantity.parse('250m').mul(4).toString()).toBe('1');
    expect(Quantity.parse('0.1').add(Quantity.parse('0.2')).toString()).toBe('300m');
  });

  it('Value and MilliValue round up away from zero', () => {
    expect(Quantity.parse('1500m').value()).toBe(2);
    expect(Quantity.parse('-1500m').value()).toBe(-2);
    expect(Quantity.parse('1.1').milliValue()).toBe(1100);
    expect(Quantity.parse('1n').milliValue()).toBe(1);
    expect(Quantity.parse('1Gi').value()).toBe(1073741824);
    expect(Quantity.parse('100Mi').value()).toBe(104857600);
    expect(Quantity.parse('2').scaledValue(3)).toBe(1);
    expect(Quantity.parse('2k').scaledValue(3)).toBe(2);
  });

  it('serialises to its canonical string in JSON', () => {
    expect(JSON.stringify({ cpu: Quantity.parse('0.5') })).toBe('{"cpu":"500m"}');
    expect(Quantity.fromMilli(1500).toString()).toBe('1500m');
    expect(Quantity.fromInt(2048, 'BinarySI').toString()).toBe('2Ki');
  });
});
