import { badRequest, type FieldSelector, type KindDefinition, type KubeObject, parseFieldSelector, parseSelector, type Selector } from '@keelson/api';
import { fieldGetter } from './codec.js';

/** Label + field selection for list and watch, validated up front (400 on bad input). */
export interface Selection {
  label: Selector;
  field: FieldSelector;
  matches(obj: KubeObject): boolean;
  empty(): boolean;
}

export function selection(kind: KindDefinition, labelSelector?: string, fieldSelector?: string): Selection {
  let label: Selector;
  let field: FieldSelector;
  try {
    label = parseSelector(labelSelector ?? '');
  } catch (err) {
    throw badRequest(`unable to parse requirement: ${(err as Error).message}`);
  }
  try {
    field = parseFieldSelector(fieldSelector ?? '');
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  const known = new Set(['metadata.name', 'metadata.namespace', ...Object.keys(kind.selectableFields ?? {})]);
  for (const r of field.requirements()) {
    if (!known.has(r.field)) {
      throw badRequest(`field label not supported: ${r.field}`);
    }
  }
  return {
    label,
    field,
    matches: (obj) => label.matches(obj.metadata.labels) && field.matches(fieldGetter(kind, obj)),
    empty: () => label.empty() && field.empty(),
  };
}
