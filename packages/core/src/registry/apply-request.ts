import { ApiError, badRequest, fieldError, invalid, type KindDefinition, kindApiVersion, type KubeObject, objectShapeError } from '@keelson/api';
import { parse as parseYaml } from 'yaml';

/**
 * The configuration of a server-side apply request (PATCH application/apply-patch+yaml), checked
 * as kube-apiserver does: a field manager is required, the body is a YAML or JSON object of this
 * kind whose name (and namespace, if any) match the URL.
 */
export function applyConfigurationOf(kind: KindDefinition, name: string, namespace: string | undefined, body: unknown, fieldManager: string | undefined): KubeObject {
  if (!fieldManager) {
    throw invalid('PatchOptions', 'meta.k8s.io', '', [fieldError('FieldValueRequired', 'fieldManager', 'is required for apply patch')]);
  }
  let config: unknown = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
    try {
      config = parseYaml(text, { maxAliasCount: 100 });
    } catch (err) {
      throw badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw badRequest('the apply configuration must be an object');
  const obj = config as KubeObject;
  const expected = kindApiVersion(kind);
  if (obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion ?? '')}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== kind.kind) throw badRequest(`the kind in the data (${String(obj.kind ?? '')}) does not match the expected kind (${kind.kind})`);
  if (obj.metadata === undefined) obj.metadata = {};
  if (obj.metadata === null || typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) throw badRequest('metadata must be an object');
  // Fields of the wrong type cannot be applied (checked on a copy: a null in a configuration means something to apply).
  const mistyped = objectShapeError(kind, structuredClone(obj));
  if (mistyped) throw badRequest(`failed to create typed patch object (${expected}, Kind=${kind.kind}): ${mistyped}`);
  const meta = obj.metadata;
  if (meta.name === undefined || meta.name === '') meta.name = name;
  if (meta.name !== name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
  if (kind.namespaced && meta.namespace && namespace && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (meta.managedFields !== undefined) {
    throw new ApiError(400, 'BadRequest', 'metadata.managedFields must be nil');
  }
  return obj;
}
