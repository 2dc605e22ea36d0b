import type { KindDefinition } from '@keelson/api';

/** "/registry/<group|core>/<plural>/" — every object of the kind lives under this prefix. */
export function kindPrefix(kind: KindDefinition): string {
  return `/registry/${kind.group || 'core'}/${kind.plural}/`;
}

/** The prefix of one namespace (namespaced kinds), or the whole kind. */
export function listPrefix(kind: KindDefinition, namespace?: string): string {
  return kind.namespaced && namespace ? `${kindPrefix(kind)}${namespace}/` : kindPrefix(kind);
}

export function objectStoreKey(kind: KindDefinition, namespace: string | undefined, name: string): string {
  return kind.namespaced ? `${kindPrefix(kind)}${namespace}/${name}` : `${kindPrefix(kind)}${name}`;
}
