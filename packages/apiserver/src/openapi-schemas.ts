import { type JSONSchemaProps, schemaName, typeDescription, unnamed } from '@keelson/api';

/** An OpenAPI v3 schema object as published (may hold $ref / allOf, which JSONSchemaProps does not). */
export type PublishedSchema = Record<string, unknown>;

export const componentRef = (name: string) => `#/components/schemas/${name}`;

/**
 * Publishes a schema the way kube-apiserver does: every sub-schema built with `named(...)` becomes
 * a component (`components.schemas[name]`, described by its type's description) and each use
 * becomes `{allOf: [{$ref}], description, default}` (kube-openapi's v3 form of a $ref with siblings).
 * Returns the published form of `schema` itself (a reference if `schema` is named).
 */
export function publishSchema(schema: JSONSchemaProps, components: Record<string, PublishedSchema>): PublishedSchema {
  const out: PublishedSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && v) out[k] = Object.fromEntries(Object.entries(v as Record<string, JSONSchemaProps>).map(([p, s]) => [p, publishSchema(s, components)]));
    else if ((k === 'items' || k === 'additionalProperties') && typeof v === 'object' && v) out[k] = publishSchema(v as JSONSchemaProps, components);
    else out[k] = v;
  }
  const name = schemaName(schema);
  if (!name) return out;
  const typeDoc = typeDescription(schema);
  if (!(name in components)) {
    const { description: _, default: _d, ...rest } = out;
    components[name] = typeDoc === undefined ? rest : { description: typeDoc, ...rest };
  }
  const use: PublishedSchema = { allOf: [{ $ref: componentRef(name) }] };
  if (schema.description !== undefined && schema.description !== typeDoc) use.description = schema.description;
  if (schema.default !== undefined) use.default = schema.default;
  return use;
}

/**
 * The top-level component of a kind: its schema's body (not a reference to itself), with every
 * named sub-schema hoisted into `components`.
 */
export function publishKindSchema(schema: JSONSchemaProps, components: Record<string, PublishedSchema>): PublishedSchema {
  return publishSchema(unnamed(schema), components);
}
