import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, type JSONSchemaProps, type KindDefinition } from '@keelson/api';
import { readBody, replaceBody } from './negotiation.js';
import type { RequestInfo } from './request-info.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The fields of `value` its schema does not declare, as kube's strict decoder names them
 * ("spec.containers[0].bogus"). Keys starting with "$" (strategic-merge-patch directives) and null
 * values (deletions in a patch) are skipped; x-kubernetes-preserve-unknown-fields stops the walk.
 */
export function unknownFields(schema: JSONSchemaProps | undefined, value: unknown, path = ''): string[] {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields'] || value === null || value === undefined) return [];
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => unknownFields(schema.items, v, `${path}[${i}]`)) : [];
  if (!isObj(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$') || v === null) continue;
    const p = path ? `${path}.${k}` : k;
    const prop = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (prop) out.push(...unknownFields(prop, v, p));
    else if (schema.properties && schema.additionalProperties !== true) out.push(p);
  }
  return out;
}

/** Removes the fields unknownFields reports, in place (kube's decoder drops them from built-in kinds). */
export function pruneUnknownFields(schema: JSONSchemaProps | undefined, value: unknown): void {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    for (const v of value) pruneUnknownFields(schema.items, v);
    return;
  }
  if (!isObj(value)) return;
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$') || v === null) continue;
    const prop = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (prop) pruneUnknownFields(prop, v);
    else if (schema.properties && schema.additionalProperties !== true) delete value[k];
  }
}

const checked: Record<string, string> = {
  POST: 'application/json',
  PUT: 'application/json',
};
const checkedPatches = new Set(['application/merge-patch+json', 'application/strategic-merge-patch+json']);

/**
 * Server-side field validation (the fieldValidation query parameter) for kinds with a schema:
 * Strict rejects unknown fields with kube's "strict decoding error", Warn (the default) reports
 * them in Warning headers and drops them, Ignore drops them silently. Covers JSON creates, updates
 * and merge/strategic patches of the object itself and its status.
 */
export async function validateFields(kind: KindDefinition, info: RequestInfo, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const directive = url.searchParams.get('fieldValidation') ?? 'Warn';
  if (!kind.schema || (info.subresource && info.subresource !== 'status')) return;
  const method = req.method ?? 'GET';
  const ctype = String(req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
  if (!(checked[method] === ctype || (method === 'PATCH' && checkedPatches.has(ctype)))) return;
  let value: unknown;
  try {
    value = JSON.parse((await readBody(req)).toString('utf8'));
  } catch {
    return; // the resource handler reports the decoding error
  }
  const unknown = unknownFields(kind.schema, value);
  if (!unknown.length) return;
  if (directive !== 'Strict') {
    pruneUnknownFields(kind.schema, value);
    replaceBody(req, Buffer.from(JSON.stringify(value)));
  }
  if (directive === 'Ignore') return;
  const messages = unknown.map((f) => `unknown field "${f}"`);
  if (directive === 'Strict') {
    throw badRequest(`${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: strict decoding error: ${messages.join(', ')}`);
  }
  res.setHeader('Warning', messages.map((m) => `299 - ${JSON.stringify(m)}`));
}
