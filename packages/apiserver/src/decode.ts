import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest, type DeleteOptions, jsonTooDeep, type KindDefinition, type KubeObject, objectShapeError, shapeObject, shapeList, checkShape, formatShapeError } from '@keelson/api';
import { parseMediaType, readBody } from './negotiation.js';
import { decodeProtobuf } from './protobuf.js';

/** JSON text of a request body: 400 for invalid JSON or nesting deeper than kube decodes. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (jsonTooDeep(text)) throw badRequest('error decoding request body: exceeded max depth of 10000');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

function contentType(req: IncomingMessage): string {
  return parseMediaType(String(req.headers['content-type'] || 'application/json'))?.type ?? '';
}

/**
 * The object of a create or update body, decoded as kube-apiserver decodes it into the kind's Go
 * type: JSON or the protobuf envelope; 400 BadRequest when it is not an object of the kind (wrong
 * apiVersion or kind, a field of the wrong type). Undefined for an empty body.
 */
export async function decodeObjectBody(kind: KindDefinition, req: IncomingMessage): Promise<KubeObject | undefined> {
  const body = await readBody(req);
  const decoded = contentType(req) === 'application/vnd.kubernetes.protobuf' ? decodeProtobuf(body) : body.length === 0 ? undefined : parseJsonBody(body);
  if (decoded === undefined) return undefined;
  const why = objectShapeError(kind, decoded);
  if (why) throw badRequest(`${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}: ${why}`);
  return decoded as KubeObject;
}

const deleteOptionsShape = shapeObject({
  kind: 'string',
  apiVersion: 'string',
  gracePeriodSeconds: 'int64',
  preconditions: shapeObject({ uid: 'string', resourceVersion: 'string' }),
  orphanDependents: 'bool',
  propagationPolicy: 'string',
  dryRun: shapeList('string'),
});

/** A DELETE body: DeleteOptions in v1, meta.k8s.io/v1 or the resource's group version; 400 otherwise. */
export async function decodeDeleteOptions(kind: KindDefinition, req: IncomingMessage): Promise<DeleteOptions> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  const opts = parseJsonBody(body);
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw badRequest('error decoding DeleteOptions: the body must be a JSON object');
  const e = checkShape(deleteOptionsShape, opts, '');
  if (e) throw badRequest(`error decoding DeleteOptions: ${formatShapeError({ ...e, path: `.${e.path}` })}`);
  const { kind: k, apiVersion } = opts as { kind?: string; apiVersion?: string };
  if (k && k !== 'DeleteOptions') throw badRequest(`error decoding DeleteOptions: unexpected kind ${JSON.stringify(k)}`);
  const versions = ['v1', 'meta.k8s.io/v1', 'meta.k8s.io/v1beta1', kind.group ? `${kind.group}/${kind.version}` : kind.version];
  if (apiVersion && !versions.includes(apiVersion)) throw new ApiError(400, 'BadRequest', `error decoding DeleteOptions: no kind "DeleteOptions" is registered for version ${JSON.stringify(apiVersion)}`);
  return opts as DeleteOptions;
}
