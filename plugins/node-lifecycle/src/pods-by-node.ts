import type { Pod } from '@keelson/api';

/** The keys ("namespace/name") of the pods bound to each node, kept from pod events. */
export class PodsByNode {
  private readonly byNode = new Map<string, Set<string>>();
  private readonly nodeOf = new Map<string, string>();

  static key(pod: Pod): string {
    return `${pod.metadata.namespace}/${pod.metadata.name}`;
  }

  upsert(pod: Pod): void {
    const key = PodsByNode.key(pod);
    const node = pod.spec?.nodeName ?? '';
    const old = this.nodeOf.get(key);
    if (old === node) return;
    if (old !== undefined) this.remove(pod);
    if (!node) return;
    this.nodeOf.set(key, node);
    let set = this.byNode.get(node);
    if (!set) this.byNode.set(node, (set = new Set()));
    set.add(key);
  }

  remove(pod: Pod): void {
    const key = PodsByNode.key(pod);
    const node = this.nodeOf.get(key);
    if (node === undefined) return;
    this.nodeOf.delete(key);
    const set = this.byNode.get(node);
    set?.delete(key);
    if (set?.size === 0) this.byNode.delete(node);
  }

  keys(node: string): string[] {
    return [...(this.byNode.get(node) ?? [])];
  }
}

/** "namespace/name" → its parts. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
