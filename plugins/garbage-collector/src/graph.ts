import type { KindDefinition, KubeObject, OwnerReference } from '@keelson/api';

/** Where an object lives: its kind, namespace and name. */
export interface ObjectRef {
  kind: KindDefinition;
  namespace?: string;
  name: string;
  uid: string;
}

export const refKey = (r: { kind: KindDefinition; namespace?: string; name: string }) => `${r.kind.group}/${r.kind.kind}|${r.namespace ?? ''}|${r.name}`;

/**
 * The ownership graph the collector works from, kept current by informer events: every object by
 * uid, and for every owner uid the dependents that point at it.
 */
export class OwnershipGraph {
  private readonly byUid = new Map<string, ObjectRef & { owners: OwnerReference[] }>();
  private readonly dependents = new Map<string, Set<string>>();

  upsert(kind: KindDefinition, obj: KubeObject): void {
    const uid = obj.metadata.uid!;
    const prev = this.byUid.get(uid);
    for (const o of prev?.owners ?? []) this.dependents.get(o.uid)?.delete(uid);
    const owners = obj.metadata.ownerReferences ?? [];
    this.byUid.set(uid, { kind, namespace: obj.metadata.namespace, name: obj.metadata.name!, uid, owners });
    for (const o of owners) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(uid);
    }
  }

  remove(uid: string): void {
    const prev = this.byUid.get(uid);
    if (!prev) return;
    for (const o of prev.owners) this.dependents.get(o.uid)?.delete(uid);
    this.byUid.delete(uid);
  }

  has(uid: string): boolean {
    return this.byUid.has(uid);
  }

  get(uid: string): (ObjectRef & { owners: OwnerReference[] }) | undefined {
    return this.byUid.get(uid);
  }

  dependentsOf(uid: string): (ObjectRef & { owners: OwnerReference[] })[] {
    return [...(this.dependents.get(uid) ?? [])].map((d) => this.byUid.get(d)).filter((d): d is ObjectRef & { owners: OwnerReference[] } => !!d);
  }
}
