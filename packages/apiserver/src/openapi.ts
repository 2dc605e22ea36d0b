import { createHash } from 'node:crypto';
import { type KindDefinition, schemaName } from '@keelson/api';
import type { KindRegistry } from '@keelson/core';
import { componentRef, type PublishedSchema, publishKindSchema } from './openapi-schemas.js';

/** The component name of a kind: its schema's name ("io.k8s.api.core.v1.Pod"), else "io.keelson.<group>.<version>.<Kind>". */
function kindSchemaName(d: KindDefinition): string {
  return (d.schema && schemaName(d.schema)) || `io.keelson.${d.group || 'core'}.${d.version}.${d.kind}`;
}

/** Patch bodies kube-apiserver accepts for built-in kinds; kinds without a schema (like CRDs) get no strategic merge patch. */
const patchTypes = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const fieldValidation = { name: 'fieldValidation', in: 'query', description: 'Strict, Warn or Ignore unknown and duplicate fields', schema: { type: 'string', uniqueItems: true } };
const dryRun = { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } };

/** The OpenAPI v3 document of one group/version: its paths (with GVK and fieldValidation) and schemas. */
export function openApiGroupVersion(kinds: KindRegistry, group: string, version: string) {
  const defs = kinds.groups().get(group)?.get(version);
  if (!defs) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, PublishedSchema> = {};
  const root = group ? `/apis/${group}/${version}` : `/api/${version}`;
  for (const d of defs) {
    const gvk = { group: d.group, version: d.version, kind: d.kind };
    const ref = { $ref: componentRef(kindSchemaName(d)) };
    const body = { content: { 'application/json': { schema: ref } }, required: true };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const op = (action: string, extra: Record<string, unknown> = {}) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: ok, ...extra });
    const collection = d.namespaced ? `${root}/namespaces/{namespace}/${d.plural}` : `${root}/${d.plural}`;
    paths[collection] = {
      get: op('list'),
      post: op('post', { parameters: [fieldValidation, dryRun], requestBody: body }),
      ...(d.namespaced ? { parameters: [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }] } : {}),
    };
    paths[`${collection}/{name}`] = {
      get: op('get'),
      put: op('put', { parameters: [fieldValidation, dryRun], requestBody: body }),
      patch: op('patch', { parameters: [fieldValidation, dryRun], requestBody: { content: Object.fromEntries((d.schema ? patchTypes : ['application/merge-patch+json']).map((t) => [t, { schema: { type: 'object' } }])), required: true } }),
      delete: op('delete', { parameters: [dryRun] }),
    };
    const published = d.schema ? publishKindSchema(d.schema, schemas) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    schemas[kindSchemaName(d)] = { ...published, description: d.schema?.description ?? `${d.kind} (${group || 'core'}/${version})`, 'x-kubernetes-group-version-kind': [gvk] };
  }
  return { openapi: '3.0.0', info: { title: 'Keelson', version: 'v1.32.4' }, paths, components: { schemas } };
}

/** GET /openapi/v3: where each group/version's document is. */
export function openApiRoot(kinds: KindRegistry) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of kinds.groups()) {
    for (const version of versions.keys()) {
      const doc = JSON.stringify(openApiGroupVersion(kinds, group, version));
      const hash = createHash('sha512').update(doc).digest('hex').slice(0, 64).toUpperCase();
      paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
    }
  }
  return { paths };
}
