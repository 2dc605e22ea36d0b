import { describe, expect, it } from 'vitest';
import { parseDuration, parseHook, parseScript, perAttempt, scriptAt } from './script.js';

describe('runtime-sim scripts', () => {
  it('parses durations', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1.5')).toBe(1500);
    expect(parseDuration('1h')).toBe(3_600_000);
    for (const bad of ['', 'abc', '2x', 's', '1s2']) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('evaluates timed result scripts; the last step lasts for ever', () => {
    const s = parseScript('fail 10s, ok 5s, timeout');
    expect(scriptAt(s, 0)).toBe('fail');
    expect(scriptAt(s, 9_999)).toBe('fail');
    expect(scriptAt(s, 10_000)).toBe('ok');
    expect(scriptAt(s, 15_000)).toBe('timeout');
    expect(scriptAt(parseScript('ok 1s'), 5_000)).toBe('ok');
    expect(() => parseScript('maybe 1s')).toThrow(/invalid script step/);
    expect(() => parseScript('ok soon')).toThrow(/invalid duration/);
  });

  it('parses hook specs and per-attempt lists', () => {
    expect(parseHook('ok')).toEqual({ ok: true, durationMs: 0 });
    expect(parseHook('fail 500ms')).toEqual({ ok: false, durationMs: 500 });
    expect(() => parseHook('later')).toThrow();
    expect([0, 1, 2, 3].map((a) => perAttempt('1,1,0', a))).toEqual(['1', '1', '0', '0']);
  });
});
