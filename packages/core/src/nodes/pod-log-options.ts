import { badRequest, fieldError, type FieldError, invalid } from '@keelson/api';
import type { PodLogOptions } from './node-connections.js';

/** Go's strconv.ParseBool. */
function parseBool(name: string, v: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw badRequest(`invalid value for ${name}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** Go's strconv.ParseInt(v, 10, 64). */
function parseInt64(name: string, v: string): number {
  if (!/^[+-]?\d+$/.test(v) || BigInt(v) > 2n ** 63n - 1n || BigInt(v) < -(2n ** 63n)) {
    throw badRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  }
  return Number(v);
}

/** metav1.Time from a query parameter: RFC 3339 (seconds precision). */
function parseTime(name: string, v: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw badRequest(`invalid value for ${name}: parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  return Math.floor(ms / 1000) * 1000;
}

/**
 * kube's PodLogOptions from the query of GET pods/{name}/log: decoded (400 for a value that does
 * not parse), then checked as ValidatePodLogOptions does (422 Invalid PodLogOptions).
 */
export function parsePodLogOptions(name: string, query: Readonly<Record<string, string>>): PodLogOptions & { container?: string } {
  const opts: PodLogOptions & { container?: string } = {};
  if (query.container) opts.container = query.container;
  for (const b of ['follow', 'previous', 'timestamps'] as const) if (query[b] !== undefined) opts[b] = parseBool(b, query[b]);
  for (const n of ['sinceSeconds', 'tailLines', 'limitBytes'] as const) if (query[n] !== undefined) opts[n] = parseInt64(n, query[n]);
  if (query.sinceTime !== undefined) opts.sinceTime = parseTime('sinceTime', query.sinceTime);
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) errs.push(fieldError('FieldValueInvalid', 'tailLines', `${opts.tailLines}: must be greater than or equal to 0`));
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) errs.push(fieldError('FieldValueInvalid', 'limitBytes', `${opts.limitBytes}: must be greater than 0`));
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push(fieldError('FieldValueForbidden', '', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errs.push(fieldError('FieldValueInvalid', 'sinceSeconds', `${opts.sinceSeconds}: must be greater than 0`));
  }
  if (errs.length) throw invalid('PodLogOptions', '', name, errs);
  return opts;
}

/** The query of a log request to a node agent (the kubelet's /containerLogs parameters), from the options. */
export function podLogQuery(opts: PodLogOptions): string {
  const q = new URLSearchParams();
  for (const b of ['follow', 'previous', 'timestamps'] as const) if (opts[b]) q.set(b, 'true');
  for (const n of ['sinceSeconds', 'tailLines', 'limitBytes'] as const) if (opts[n] !== undefined) q.set(n, String(opts[n]));
  if (opts.sinceTime !== undefined) q.set('sinceTime', new Date(opts.sinceTime).toISOString().replace(/\.\d+Z$/, 'Z'));
  return q.toString();
}
