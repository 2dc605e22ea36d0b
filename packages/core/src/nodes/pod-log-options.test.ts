import { describe, expect, it } from 'vitest';
import { parsePodLogOptions, podLogQuery } from './pod-log-options.js';

describe('PodLogOptions from the query (kube decoding and ValidatePodLogOptions)', () => {
  it('decodes every option', () => {
    expect(
      parsePodLogOptions('p', { container: 'c', follow: 'true', previous: '0', timestamps: 'T', sinceSeconds: '30', tailLines: '10', limitBytes: '500' }),
    ).toEqual({ container: 'c', follow: true, previous: false, timestamps: true, sinceSeconds: 30, tailLines: 10, limitBytes: 500 });
    expect(parsePodLogOptions('p', { sinceTime: '2026-11-23T15:13:06Z' })).toEqual({ sinceTime: Date.UTC(2026, 10, 23, 15, 13, 6) });
    expect(parsePodLogOptions('p', { tailLines: '0' })).toEqual({ tailLines: 0 });
  });

  it('refuses values that do not parse with 400', () => {
    expect(() => parsePodLogOptions('p', { tailLines: 'ten' })).toThrow(expect.objectContaining({ code: 400, message: 'invalid value for tailLines: strconv.ParseInt: parsing "ten": invalid syntax' }));
    expect(() => parsePodLogOptions('p', { follow: 'yes' })).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => parsePodLogOptions('p', { sinceTime: 'yesterday' })).toThrow(expect.objectContaining({ code: 400 }));
  });

  it('answers invalid options with 422 PodLogOptions as kube words it', () => {
    const cases: [Record<string, string>, string][] = [
      [{ tailLines: '-1' }, 'PodLogOptions "p" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'],
      [{ limitBytes: '0' }, 'PodLogOptions "p" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
      [{ sinceSeconds: '0' }, 'PodLogOptions "p" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0'],
      [{ sinceSeconds: '5', sinceTime: '2026-01-01T00:00:00Z' }, 'PodLogOptions "p" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'],
      [
        { tailLines: '-2', limitBytes: '-3' },
        'PodLogOptions "p" is invalid: [tailLines: Invalid value: -2: must be greater than or equal to 0, limitBytes: Invalid value: -3: must be greater than 0]',
      ],
    ];
    for (const [query, message] of cases) {
      expect(() => parsePodLogOptions('p', query), JSON.stringify(query)).toThrow(expect.objectContaining({ code: 422, reason: 'Invalid', message }));
    }
  });
});

describe('podLogQuery', () => {
  it('encodes the options so that parsePodLogOptions reads them back', () => {
    const opts = { follow: true, previous: true, timestamps: true, tailLines: 0, limitBytes: 10, sinceTime: Date.UTC(2026, 10, 23, 15, 13, 6) };
    expect(podLogQuery(opts)).toBe('follow=true&previous=true&timestamps=true&tailLines=0&limitBytes=10&sinceTime=2026-11-23T15%3A13%3A06Z');
    expect(parsePodLogOptions('p', Object.fromEntries(new URLSearchParams(podLogQuery(opts))))).toEqual(opts);
    expect(podLogQuery({ sinceSeconds: 5 })).toBe('sinceSeconds=5');
  });
});
