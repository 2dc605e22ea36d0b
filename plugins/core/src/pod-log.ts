import { ApiError, badRequest, fieldError, type FieldError, type GetSubresource, invalid, type Pod } from '@keelson/api';
import type { PodLogOptions } from '@keelson/core';

const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;

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

/**
 * kube's ValidateContainer (LogLocation): the container asked for, or the only one; 400 when none
 * is named and there are several, or when the pod has no container of that name.
 */
export function logContainer(pod: Pod, container: string | undefined): string {
  const spec = pod.spec;
  const names = (list: { name: string }[] | undefined) => (list ?? []).map((c) => c.name);
  const podName = pod.metadata.name!;
  if (!container) {
    const containers = names(spec?.containers);
    if (containers.length === 1) return containers[0]!;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
    const inits = names(spec?.initContainers);
    throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`);
  }
  const all = [...names(spec?.containers), ...names(spec?.initContainers), ...names((spec as { ephemeralContainers?: { name: string }[] } | undefined)?.ephemeralContainers)];
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
  return container;
}

/**
 * pods/log (kube's LogREST): validates the options, picks the container, and streams the log
 * from the agent of the pod's node, found through the node connections.
 */
export const podLog: GetSubresource = {
  responseKind: { group: '', version: 'v1', kind: 'Pod' },
  async handle({ name, namespace, query, signal, services }) {
    const opts = parsePodLogOptions(name, query);
    const pod = await services.client.get<Pod>(PodRef, name, { namespace });
    const containerName = logContainer(pod, opts.container);
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    const endpoint = services.nodes.endpoint(nodeName);
    if (!endpoint) throw new ApiError(503, 'ServiceUnavailable', `no node agent of node ${nodeName} is reachable from this API server`);
    const { container: _c, ...options } = opts;
    const body = await endpoint.containerLogs({ namespace: namespace!, podName: name, podUID: pod.metadata.uid, containerName, options }, signal);
    return { contentType: 'text/plain', body, flush: !!opts.follow };
  },
};
