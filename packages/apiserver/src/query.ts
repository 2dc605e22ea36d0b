import { ApiError, badRequest, fieldError, type FieldError, invalid } from '@keelson/api';

/** Query parameters kube decodes as int64 (a value that does not parse is a 400). */
const int64Params = ['limit', 'timeoutSeconds', 'gracePeriodSeconds'];
const INT64_MAX = 2n ** 63n - 1n;

/** Go's strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, in range. */
export function parseInt64(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) return undefined;
  return Number(n);
}

const optionsKind: Record<string, string> = { POST: 'CreateOptions', PUT: 'UpdateOptions', PATCH: 'PatchOptions', DELETE: 'DeleteOptions' };

/**
 * The query parameters of a resource request, checked before anything runs as kube-apiserver's
 * parameter codec and option validation do: int64 parameters that do not parse (400), dryRun
 * values other than "All" on writes and resourceVersionMatch on a watch (422).
 */
export function validateQuery(method: string, q: URLSearchParams, watch: boolean): void {
  for (const name of int64Params) {
    const v = q.get(name);
    if (v !== null && parseInt64(v) === undefined) throw badRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  }
  const kind = optionsKind[method];
  if (kind) {
    const errs: FieldError[] = [];
    for (const d of q.getAll('dryRun')) {
      if (d !== 'All') errs.push(fieldError('FieldValueNotSupported', 'dryRun', `"${d}": supported values: "All"`));
    }
    if (errs.length) throw invalid(kind, 'meta.k8s.io', '', errs);
  }
  const match = q.get('resourceVersionMatch');
  if (watch && match) {
    const errs: FieldError[] = [];
    if (!q.has('sendInitialEvents')) errs.push(fieldError('FieldValueForbidden', 'resourceVersionMatch', 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    if (match !== 'NotOlderThan') errs.push(fieldError('FieldValueNotSupported', 'resourceVersionMatch', `"${match}": supported values: "NotOlderThan"`));
    if (q.get('continue')) errs.push(fieldError('FieldValueForbidden', 'resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (errs.length) throw invalid('ListOptions', 'meta.k8s.io', '', errs);
  }
}

/** 406 for an Accept header nothing can satisfy. */
export function notAcceptable(accept: string): ApiError {
  return new ApiError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf (not ${JSON.stringify(accept)})`);
}
