import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, type DeleteOptions, type KindDefinition, type KubeObject, methodNotAllowed } from '@keelson/api';
import { type Cluster, getScale, type PatchType, patchScale, type Scale, updateScale, type WatchEvent } from '@keelson/core';
import { decodeDeleteOptions, decodeObjectBody } from './decode.js';
import { negotiate, readBody } from './negotiation.js';
import { decodeProtobuf } from './protobuf.js';
import type { RequestInfo } from './request-info.js';
import { sendJson } from './respond.js';
import { serveStreamSubresource } from './stream-subresource.js';
import { toTable } from './table.js';

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req);
  const type = String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(body);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

/**
 * The field manager of a write: the fieldManager parameter, else (as kube-apiserver) the
 * User-Agent's product ("kubectl" for "kubectl/v1.32.4 (linux/amd64) ...").
 */
function fieldManagerOf(req: IncomingMessage, q: URLSearchParams): string | undefined {
  const explicit = q.get('fieldManager');
  if (explicit !== null) {
    if (explicit.length > 128) throw badRequest('fieldManager: Too long: may not be longer than 128 characters');
    return explicit;
  }
  const agent = String(req.headers['user-agent'] ?? '').split('/')[0]!.trim();
  return agent ? agent.slice(0, 128) : undefined;
}

/** One REST call on a resource path: list/get/watch/create/update/patch/delete, incl. /status. */
export async function handleResource(cluster: Cluster, kind: KindDefinition, info: RequestInfo, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  const rs = cluster.registry.resourceStore(kind);
  const accepts = negotiate(req);
  const dryRun = q.getAll('dryRun').includes('All');
  const fieldManager = fieldManagerOf(req, q);
  if (kind.namespaced && info.name && !info.namespace) throw notFoundPath();
  if (!kind.namespaced && info.namespace) throw notFoundPath();
  const stream = info.subresource ? kind.subresources?.get?.[info.subresource] : undefined;
  if (stream && info.name) return serveStreamSubresource(cluster, kind, stream, info, req, res, url);
  const scale = info.subresource === 'scale' && !!kind.subresources?.scale;
  const post = info.subresource ? kind.subresources?.post?.[info.subresource] : undefined;
  if (info.subresource && !scale && !post && !(info.subresource === 'status' && kind.subresources?.status)) throw notFoundPath();
  const ns = info.namespace;
  const now = cluster.clock.now();
  if (scale) {
    if (!info.name) throw notFoundPath();
    if (method === 'GET') return sendJson(res, 200, await getScale(rs, info.name, ns));
    if (method === 'PUT') return sendJson(res, 200, await updateScale(rs, info.name, (await jsonBody(req)) as Scale, { namespace: ns, dryRun }));
    if (method === 'PATCH') {
      const type = patchTypes[String(req.headers['content-type'] ?? '').split(';')[0]!.trim()];
      if (!type) throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(patchTypes).join(', ')}`);
      return sendJson(res, 200, await patchScale(rs, info.name, type, (await readBody(req)).toString('utf8'), { namespace: ns, dryRun }));
    }
    throw methodNotAllowed(`${method} is not supported on ${kind.plural}/scale`);
  }

  if (post) {
    if (!info.name) throw notFoundPath();
    if (method !== 'POST') throw methodNotAllowed(`${method} is not supported on ${kind.plural}/${info.subresource}`);
    const body = (await jsonBody(req)) as KubeObject | undefined;
    if (!body || typeof body !== 'object' || !body.metadata) throw badRequest(`the request body must be a ${post.requestKind.kind} with metadata`);
    return sendJson(res, 201, await rs.postSubresource(info.name, info.subresource!, body, { namespace: ns, dryRun, fieldManager }));
  }

  switch (method) {
    case 'GET': {
      if (q.get('watch') === 'true' || q.get('watch') === '1') return watch(cluster, kind, info, req, res, url, accepts.table);
      if (info.name) {
        const obj = await rs.get(info.name, ns);
        if (accepts.table) return sendJson(res, 200, toTable(kind, [obj], now, { resourceVersion: obj.metadata.resourceVersion, includeObject: q.get('includeObject') ?? undefined }));
        return sendJson(res, 200, obj);
      }
      const list = await rs.list({
        namespace: ns,
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        limit: q.has('limit') ? Number(q.get('limit')) : undefined,
        continue: q.get('continue') ?? undefined,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        resourceVersionMatch: (q.get('resourceVersionMatch') as 'Exact' | 'NotOlderThan' | null) ?? undefined,
      });
      if (accepts.table) {
        return sendJson(res, 200, toTable(kind, list.items, now, { resourceVersion: list.metadata.resourceVersion, continue: list.metadata.continue, includeObject: q.get('includeObject') ?? undefined }));
      }
      return sendJson(res, 200, list);
    }
    case 'POST': {
      if (info.name) throw methodNotAllowed(`POST is not supported on ${kind.plural}/${info.name}`);
      const obj = await decodeObjectBody(kind, req);
      if (!obj || typeof obj !== 'object' || !obj.metadata) throw badRequest('the request body must be an object with metadata');
      const created = await rs.create(obj, { namespace: ns, dryRun, fieldManager });
      return sendJson(res, 201, created);
    }
    case 'PUT': {
      if (!info.name) throw methodNotAllowed(`PUT needs a name`);
      const obj = (await decodeObjectBody(kind, req)) as KubeObject;
      if (!obj?.metadata) throw badRequest('the request body must be an object with metadata');
      if (obj.metadata.name && obj.metadata.name !== info.name) {
        throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${info.name})`);
      }
      obj.metadata.name = info.name;
      if (ns) obj.metadata.namespace ??= ns;
      const updated = info.subresource === 'status' ? await rs.updateStatus(obj, { namespace: ns, dryRun, fieldManager }) : await rs.update(obj, { namespace: ns, dryRun, fieldManager });
      return sendJson(res, 200, updated);
    }
    case 'PATCH': {
      if (!info.name) throw methodNotAllowed(`PATCH needs a name`);
      const ctype = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      const type = patchTypes[ctype];
      if (!type) throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(patchTypes).join(', ')}`);
      const body = (await readBody(req)).toString('utf8');
      // An apply names its manager explicitly (kube: no User-Agent fallback for apply).
      const manager = type === 'apply' ? (q.get('fieldManager') ?? undefined) : fieldManager;
      const force = q.get('force') === 'true';
      if (q.has('force') && type !== 'apply') throw badRequest('force: Forbidden: may not be specified for non-apply patch');
      const patched = await rs.patch(info.name, type, body, { namespace: ns, dryRun, subresource: info.subresource, fieldManager: manager, force });
      return sendJson(res, 200, patched);
    }
    case 'DELETE': {
      const body = await decodeDeleteOptions(kind, req);
      const opts: DeleteOptions = { ...body };
      if (q.has('propagationPolicy')) opts.propagationPolicy = q.get('propagationPolicy') as DeleteOptions['propagationPolicy'];
      if (q.has('gracePeriodSeconds')) opts.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
      if (dryRun) opts.dryRun = ['All'];
      if (!info.name) {
        const selectors = { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined };
        return sendJson(res, 200, await rs.deleteCollection({ ...opts, ...selectors, namespace: ns }));
      }
      const out = await rs.delete(info.name, { ...opts, namespace: ns });
      return sendJson(res, 200, out);
    }
    default:
      throw methodNotAllowed(`${method} is not supported`);
  }
}

/** A watch as kube-apiserver streams it: newline-delimited JSON events, headers flushed at once. */
async function watch(cluster: Cluster, kind: KindDefinition, info: RequestInfo, req: IncomingMessage, res: ServerResponse, url: URL, table: boolean): Promise<void> {
  const q = url.searchParams;
  let first = true;
  // Events can arrive before the response headers are out: hold them until then.
  let held: WatchEvent[] | null = [];
  const write = (e: WatchEvent) => {
    if (held) {
      held.push(e);
      return;
    }
    let object: unknown = e.object;
    if (table && (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED')) {
      object = toTable(kind, [e.object as KubeObject], cluster.clock.now(), { resourceVersion: (e.object as KubeObject).metadata.resourceVersion, includeObject: q.get('includeObject') ?? undefined, noHeaders: !first });
      first = false;
    }
    res.write(JSON.stringify({ type: e.type, object }) + '\n');
  };
  const fieldSelector = [q.get('fieldSelector'), info.name ? `metadata.name=${info.name}` : undefined].filter(Boolean).join(',');
  const handle = await cluster.registry.resourceStore(kind).watch(
    {
      namespace: info.namespace,
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: fieldSelector || undefined,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
      sendInitialEvents: q.get('sendInitialEvents') === 'true',
      timeoutSeconds: q.has('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : 1800,
    },
    write,
  );
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const early = held;
  held = null;
  for (const e of early) write(e);
  req.on('close', () => handle.stop());
  await handle.done;
  res.end();
}
