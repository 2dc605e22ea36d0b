import { ApiError, type KindRef, parseApiVersion } from '@keelson/api';
import type { KindRegistry } from '@keelson/core';
import type { Transport } from './transport.js';

/** What a REST path needs to know about a kind. */
export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name ("deployments"). */
  plural: string;
  namespaced: boolean;
}

const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface DiscoveryList {
  kind?: string;
  items?: { metadata?: { name?: string }; versions?: { version: string; resources?: { resource: string; responseKind?: { kind?: string }; scope?: string }[] }[] }[];
}

interface ApiResourceList {
  groupVersion?: string;
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

const gvKey = (group: string, version: string) => `${group}/${version}`;
const gvkKey = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;

/**
 * Kind → REST path resolution (client-go's RESTMapper, for the one question a client asks): a
 * KindDefinition carries its plural and scope; an {apiVersion, kind} is looked up in the local
 * KindRegistry when one was given, else in the server's discovery: aggregated discovery
 * (apidiscovery.k8s.io/v2, one request for /api and one for /apis) when the server offers it, the
 * group version's APIResourceList otherwise. Discovery is cached; a kind that is missing is looked
 * up again once (a CRD may have been added since), then is a 404 as in-process.
 */
export class ResourceResolver {
  private readonly known = new Map<string, ResourceInfo>();
  /** Group versions already read (aggregated: every one at once). */
  private readonly fetched = new Set<string>();
  private aggregated: Promise<boolean> | undefined;
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(
    private readonly transport: Transport,
    private readonly kinds?: KindRegistry,
  ) {}

  async resolve(ref: KindRef): Promise<ResourceInfo> {
    if ('plural' in ref) return { group: ref.group, version: ref.version, kind: ref.kind, plural: ref.plural, namespaced: ref.namespaced };
    const { group, version } = parseApiVersion(ref.apiVersion);
    const local = this.kinds?.find(ref);
    if (local) return { group, version, kind: local.kind, plural: local.plural, namespaced: local.namespaced };
    const key = gvkKey(group, version, ref.kind);
    const cached = this.known.get(key);
    if (cached) return cached;
    const gv = gvKey(group, version);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt > 0 || !this.fetched.has(gv)) await this.discover(group, version, attempt > 0);
      const found = this.known.get(key);
      if (found) return found;
    }
    throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${ref.apiVersion} ${ref.kind})`);
  }

  /** Forgets what discovery said (the next lookup asks the server again). */
  invalidate(): void {
    this.known.clear();
    this.fetched.clear();
    this.aggregated = undefined;
  }

  private async discover(group: string, version: string, refresh: boolean): Promise<void> {
    const key = `${gvKey(group, version)}${refresh ? '!' : ''}`;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.read(group, version, refresh).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async read(group: string, version: string, refresh: boolean): Promise<void> {
    if (refresh) this.aggregated = undefined;
    const attempt = (this.aggregated ??= this.readAggregated());
    try {
      if (await attempt) return;
    } catch (err) {
      // Not an answer about aggregated discovery (e.g. the server is unreachable): ask again next time.
      if (this.aggregated === attempt) this.aggregated = undefined;
      throw err;
    }
    await this.readGroupVersion(group, version);
  }

  /**
   * Aggregated discovery of /api and /apis; false when the server answers with the legacy
   * documents or refuses the request (an older or non-Kubernetes server).
   */
  private async readAggregated(): Promise<boolean> {
    const lists: DiscoveryList[] = [];
    for (const path of ['/api', '/apis']) {
      let reply;
      try {
        reply = await this.transport.send({ method: 'GET', path, accept: aggregatedAccept });
      } catch (err) {
        if (err instanceof ApiError) return false;
        throw err;
      }
      if (!String(reply.headers['content-type'] ?? '').includes('as=APIGroupDiscoveryList')) return false;
      lists.push(JSON.parse(reply.body.toString('utf8')) as DiscoveryList);
    }
    for (const list of lists) {
      for (const g of list.items ?? []) {
        const group = g.metadata?.name ?? '';
        for (const v of g.versions ?? []) {
          this.fetched.add(gvKey(group, v.version));
          for (const r of v.resources ?? []) {
            const kind = r.responseKind?.kind;
            if (!kind) continue;
            this.known.set(gvkKey(group, v.version, kind), { group, version: v.version, kind, plural: r.resource, namespaced: r.scope === 'Namespaced' });
          }
        }
      }
    }
    return true;
  }

  /** GET /api/v1 or /apis/G/V (a 404 means the group version is not served: nothing to learn). */
  private async readGroupVersion(group: string, version: string): Promise<void> {
    const path = group ? `/apis/${encodeURIComponent(group)}/${encodeURIComponent(version)}` : `/api/${encodeURIComponent(version)}`;
    let list: ApiResourceList;
    try {
      list = await this.transport.json<ApiResourceList>({ method: 'GET', path });
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) {
        this.fetched.add(gvKey(group, version));
        return;
      }
      throw err;
    }
    this.fetched.add(gvKey(group, version));
    for (const r of list.resources ?? []) {
      if (r.name.includes('/')) continue; // subresources
      this.known.set(gvkKey(group, version, r.kind), { group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced });
    }
  }
}

/** The REST path of a kind's collection or one object, optionally of a subresource. */
export function resourcePath(info: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
  const parts = [info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`];
  if (info.namespaced && namespace) parts.push('namespaces', encodeURIComponent(namespace));
  parts.push(info.plural);
  if (name !== undefined) {
    if (name === '') throw new ApiError(400, 'BadRequest', `resource name may not be empty`);
    parts.push(encodeURIComponent(name));
    if (subresource) parts.push(encodeURIComponent(subresource));
  }
  return parts.join('/');
}
