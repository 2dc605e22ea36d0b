import { request } from 'node:http';
import { ApiError, isApiError, type Status, type StatusReason } from '@keelson/api';
import type { ContainerLogsRequest, NodeAgentEndpoint } from './node-connections.js';
import { podLogQuery } from './pod-log-options.js';

const reasons: Record<number, StatusReason> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 503: 'ServiceUnavailable' };

/** A node agent's failure answer: its Status, or its text with the code's reason (as kube's GenericHttpResponseChecker). */
function failure(code: number, body: string): ApiError {
  try {
    const s = JSON.parse(body) as Status;
    if (s?.kind === 'Status' && typeof s.message === 'string') return new ApiError(code, (s.reason as StatusReason) ?? reasons[code] ?? 'InternalError', s.message);
  } catch {
    // plain text, as the kubelet writes its errors
  }
  return new ApiError(code, reasons[code] ?? 'InternalError', body.trim() || `the node agent answered ${code}`);
}

/**
 * A node agent reached over HTTP at its kubelet endpoint (the Node's InternalIP and
 * status.daemonEndpoints.kubeletEndpoint.Port): GET /containerLogs/{ns}/{pod}/{container}.
 */
export class HttpNodeEndpoint implements NodeAgentEndpoint {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  containerLogs(req: ContainerLogsRequest, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const path = `/containerLogs/${[req.namespace, req.podName, req.containerName].map(encodeURIComponent).join('/')}`;
    const query = podLogQuery(req.options);
    const url = `http://${this.host}:${this.port}${path}${query ? `?${query}` : ''}`;
    return new Promise((resolve, reject) => {
      const r = request(url, { method: 'GET', signal, headers: req.podUID ? { 'X-Keelson-Pod-UID': req.podUID } : {} }, (res) => {
        res.setEncoding('utf8');
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (d: string) => (body += d));
          res.on('end', () => reject(failure(res.statusCode ?? 500, body)));
          res.on('error', (err) => reject(err));
          return;
        }
        resolve(
          (async function* () {
            try {
              for await (const chunk of res) yield chunk as string;
            } catch (err) {
              // The reader went away (abort) or the agent did: the stream just ends.
              if (!signal.aborted && !(isApiError(err) || (err as { code?: string }).code === 'ECONNRESET')) throw err;
            }
          })(),
        );
      });
      r.on('error', (err) => {
        if (signal.aborted) return reject(new ApiError(500, 'InternalError', 'the client went away'));
        reject(new ApiError(500, 'InternalError', `Get "${url}": ${(err as Error).message}`));
      });
      r.end();
    });
  }
}
