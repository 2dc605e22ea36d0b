import type { IncomingMessage, ServerResponse } from 'node:http';
import { type GetSubresource, type KindDefinition, methodNotAllowed } from '@keelson/api';
import { type Cluster, NodeConnectionsToken, writeStream } from '@keelson/core';
import type { RequestInfo } from './request-info.js';

/**
 * GET on a subresource that answers a stream (pods/log), as kube-apiserver's LocationStreamer:
 * errors before the first byte are Status replies; then the body is written chunk by chunk
 * (Transfer-Encoding: chunked) until it ends or the client goes away.
 */
export async function serveStreamSubresource(cluster: Cluster, kind: KindDefinition, sub: GetSubresource, info: RequestInfo, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== 'GET') throw methodNotAllowed(`${req.method} is not supported on ${kind.plural}/${info.subresource}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
  const abort = new AbortController();
  // The client went away (a followed log stopped with Ctrl-C): the stream ends.
  res.on('close', () => abort.abort());
  const stream = await sub.handle({
    name: info.name!,
    namespace: info.namespace,
    query,
    now: cluster.clock.now(),
    signal: abort.signal,
    services: { client: cluster.client, nodes: cluster.get(NodeConnectionsToken) },
  });
  res.writeHead(200, { 'Content-Type': stream.contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  if (stream.flush) res.flushHeaders();
  await writeStream(res, stream.body, abort.signal);
}
