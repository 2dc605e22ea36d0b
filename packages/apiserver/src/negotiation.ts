import type { IncomingMessage } from 'node:http';
import { ApiError } from '@keelson/api';

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

/** kube-apiserver's request body limit (3 MiB): a larger body is a 413. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `the server has received too large of a request body (limit is ${limit} bytes)`);
}

const bodies = new WeakMap<IncomingMessage, Promise<Buffer>>();

/**
 * Reads the whole request body (bounded): 413 past the limit, 400 when the client stops short of
 * its Content-Length or sends a broken chunked encoding. Later calls for the same request get the
 * same body.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  let body = bodies.get(req);
  if (!body) bodies.set(req, (body = readAll(req, limit)));
  return body;
}

/** Replaces the body later readBody calls return (e.g. with unknown fields pruned). */
export function replaceBody(req: IncomingMessage, body: Buffer): void {
  bodies.set(req, Promise.resolve(body));
}

async function readAll(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length']) > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, 'BadRequest', `error reading the request body: ${(err as Error).message}`);
  }
  return Buffer.concat(chunks);
}

const tspecials = new Set('()<>@,;:\\"/[]?= \t');
const isTokenChar = (c: string) => c > ' ' && c < '\x7f' && !tspecials.has(c);

/**
 * Go's mime.ParseMediaType, as kube-apiserver applies it to Content-Type and Accept: a lower-cased
 * "type/subtype" and its parameters, or undefined when the syntax is invalid (a 415 for a body).
 */
export function parseMediaType(value: string): { type: string; params: Record<string, string> } | undefined {
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const slash = type.indexOf('/');
  const [main, sub] = slash < 0 ? [type, undefined] : [type.slice(0, slash), type.slice(slash + 1)];
  if (!main || ![...main].every(isTokenChar) || (sub !== undefined && (!sub || ![...sub].every(isTokenChar)))) return undefined;
  const params: Record<string, string> = {};
  let rest = semi < 0 ? '' : value.slice(semi);
  for (;;) {
    rest = rest.trimStart();
    if (!rest) break;
    const m = /^;\s*([^\s()<>@,;:\\"/[\]?=]+)\s*=\s*(?:([^\s()<>@,;:\\"/[\]?=]+)|"((?:[^"\\]|\\.)*)")/.exec(rest);
    if (!m) {
      if (rest.trim() === ';') break; // a trailing semicolon is ignored
      return undefined;
    }
    const key = m[1]!.toLowerCase();
    if (key in params) return undefined;
    params[key] = m[2] ?? m[3]!.replace(/\\(.)/g, '$1');
    rest = rest.slice(m[0].length);
  }
  return { type, params };
}

/** Media types a request body may come in for create and update (kube also takes YAML). */
export const bodyMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

const servedTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const conversions = new Set(['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList'].flatMap((as) => ['v1', 'v1beta1'].map((v) => `${as};meta.k8s.io;${v}`)));

/**
 * Whether an Accept header names something a resource endpoint can answer (kube's
 * NegotiateOutputMediaType): a served media type or wildcard, with no conversion ("as") or a
 * meta.k8s.io one (Table, PartialObjectMetadata). An empty header accepts anything.
 */
export function acceptable(accept: string | undefined): boolean {
  if (!accept?.trim()) return true;
  return accept.split(',').some((clause) => {
    const m = parseMediaType(clause);
    if (!m) return false;
    const [main, sub] = m.type.split('/');
    const typeOk = m.type === '*/*' || (main === 'application' && sub === '*') || servedTypes.includes(m.type);
    if (!typeOk || m.params.q === '0') return false;
    return m.params.as === undefined || conversions.has(`${m.params.as};${m.params.g};${m.params.v}`);
  });
}
