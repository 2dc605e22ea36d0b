import type { IncomingMessage } from 'node:http';

/** What the client asked for in Accept: a meta.k8s.io Table, aggregated discovery, or plain JSON. */
export interface Accepts {
  table: boolean;
  aggregatedDiscovery: boolean;
}

export function negotiate(req: IncomingMessage): Accepts {
  const accept = String(req.headers.accept ?? '');
  const ranges = accept.split(',').map((r) => r.trim());
  return {
    table: ranges.some((r) => r.includes('as=Table') && r.includes('g=meta.k8s.io') && /v=v1(;|$)/.test(r.replace(/\s/g, '') + ';')),
    aggregatedDiscovery: ranges.some((r) => r.includes('as=APIGroupDiscoveryList') && r.includes('v=v2')),
  };
}

const bodies = new WeakMap<IncomingMessage, Promise<Buffer>>();

/** Reads the whole request body (bounded); later calls for the same request get the same body. */
export function readBody(req: IncomingMessage, limit = 3 * 1024 * 1024): Promise<Buffer> {
  let body = bodies.get(req);
  if (!body) bodies.set(req, (body = readAll(req, limit)));
  return body;
}

/** Replaces the body later readBody calls return (e.g. with unknown fields pruned). */
export function replaceBody(req: IncomingMessage, body: Buffer): void {
  bodies.set(req, Promise.resolve(body));
}

async function readAll(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw Object.assign(new Error('request entity too large'), { code: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
