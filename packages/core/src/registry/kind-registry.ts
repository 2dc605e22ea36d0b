import { ApiError, type KindDefinition, type KindRef, parseApiVersion } from '@keelson/api';

/** Two plugins (or one, twice) registered the same kind or the same resource. */
export class DuplicateKindError extends Error {
  override readonly name = 'DuplicateKindError';
  constructor(readonly what: string) {
    super(`duplicate kind: ${what} is registered twice`);
  }
}

/** A kind nobody registered. */
export function unknownKind(what: string): ApiError {
  return new ApiError(404, 'NotFound', `the server could not find the requested resource (${what})`);
}

const gvkKey = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;
const gvrKey = (group: string, version: string, plural: string) => `${group}/${version}/${plural}`;

/** Every served kind, found by GVK, by group/version/resource, or by any name kubectl accepts. */
export class KindRegistry {
  private readonly byGvk = new Map<string, KindDefinition>();
  private readonly byGvr = new Map<string, KindDefinition>();
  private readonly all: KindDefinition[] = [];

  register(def: KindDefinition<any>): void {
    const k = gvkKey(def.group, def.version, def.kind);
    const r = gvrKey(def.group, def.version, def.plural);
    if (this.byGvk.has(k)) throw new DuplicateKindError(`${def.group || 'core'}/${def.version} ${def.kind}`);
    // One group/plural is one keyspace in the store: serving it twice (even in two versions) would mix objects.
    const gr = this.all.find((d) => d.group === def.group && d.plural === def.plural);
    if (gr) throw new DuplicateKindError(`resource ${def.plural}${def.group ? '.' + def.group : ''} (${gr.version} ${gr.kind}, ${def.version} ${def.kind})`);
    this.byGvk.set(k, def);
    this.byGvr.set(r, def);
    this.all.push(def);
  }

  /** The definition for a reference, or undefined. */
  find(ref: KindRef): KindDefinition | undefined {
    if ('plural' in ref) return this.byGvk.get(gvkKey(ref.group, ref.version, ref.kind));
    const { group, version } = parseApiVersion(ref.apiVersion);
    return this.byGvk.get(gvkKey(group, version, ref.kind));
  }

  /** The definition for a reference; a 404 ApiError if unknown. */
  get(ref: KindRef): KindDefinition {
    const def = this.find(ref);
    if (!def) throw unknownKind('plural' in ref ? `${ref.group}/${ref.version} ${ref.kind}` : `${ref.apiVersion} ${ref.kind}`);
    return def;
  }

  byResource(group: string, version: string, plural: string): KindDefinition | undefined {
    return this.byGvr.get(gvrKey(group, version, plural));
  }

  /**
   * Resolves what a user types, as kubectl's RESTMapper does: plural, singular, short name or kind,
   * case-insensitive, optionally qualified by group ("deployments.apps", "deploy.apps") or by
   * version and group ("deployments.v1.apps"). When several groups serve the same name, the core
   * group wins, then the kind registered first.
   */
  resolve(name: string): KindDefinition | undefined {
    const lower = name.toLowerCase();
    const matches = (d: KindDefinition, n: string) =>
      d.plural === n || (d.singular ?? d.kind.toLowerCase()) === n || d.kind.toLowerCase() === n || (d.shortNames ?? []).map((s) => s.toLowerCase()).includes(n);
    const pick = (found: KindDefinition[]) => found.find((d) => d.group === '') ?? found[0];
    const direct = this.all.filter((d) => matches(d, lower));
    if (direct.length) return pick(direct);
    const dot = lower.indexOf('.');
    if (dot < 0) return undefined;
    const [n, qualifier] = [lower.slice(0, dot), lower.slice(dot + 1)];
    const byGroup = this.all.filter((d) => d.group === qualifier && matches(d, n));
    if (byGroup.length) return byGroup[0];
    // "<resource>.<version>.<group>", "<resource>.<version>" for the core group.
    const vdot = qualifier.indexOf('.');
    const [version, group] = vdot < 0 ? [qualifier, ''] : [qualifier.slice(0, vdot), qualifier.slice(vdot + 1)];
    return this.all.find((d) => d.group === group && d.version === version && matches(d, n));
  }

  /** The kinds of one group/version, in registration order ("" is the core group). */
  listGroupVersion(group: string, version: string): KindDefinition[] {
    return this.all.filter((d) => d.group === group && d.version === version);
  }

  list(): readonly KindDefinition[] {
    return this.all;
  }

  /** Group → versions → kinds, in registration order. */
  groups(): Map<string, Map<string, KindDefinition[]>> {
    const out = new Map<string, Map<string, KindDefinition[]>>();
    for (const d of this.all) {
      const versions = out.get(d.group) ?? new Map<string, KindDefinition[]>();
      out.set(d.group, versions);
      versions.set(d.version, [...(versions.get(d.version) ?? []), d]);
    }
    return out;
  }
}
