import type { KindDefinition } from '@keelson/api';
import type { KindRegistry } from '@keelson/core';

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** The resources of one group/version (metav1.APIResourceList), with their subresources. */
export function apiResourceList(kinds: KindRegistry, group: string, version: string) {
  const defs = kinds.groups().get(group)?.get(version) ?? [];
  const resources = defs.flatMap((d: KindDefinition) => {
    const base = {
      name: d.plural,
      singularName: d.singular ?? d.kind.toLowerCase(),
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs ?? allVerbs,
      ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
      ...(d.categories?.length ? { categories: d.categories } : {}),
    };
    const subs = [];
    if (d.subresources?.status) subs.push({ name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] });
    if (d.subresources?.scale) {
      subs.push({ name: `${d.plural}/scale`, singularName: '', namespaced: d.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    }
    for (const [name, post] of Object.entries(d.subresources?.post ?? {})) {
      const gv = post.requestKind.group ? { group: post.requestKind.group, version: post.requestKind.version } : {};
      subs.push({ name: `${d.plural}/${name}`, singularName: '', namespaced: d.namespaced, ...gv, kind: post.requestKind.kind, verbs: ['create'] });
    }
    for (const [name, get] of Object.entries(d.subresources?.get ?? {})) {
      const gv = get.responseKind.group ? { group: get.responseKind.group, version: get.responseKind.version } : {};
      subs.push({ name: `${d.plural}/${name}`, singularName: '', namespaced: d.namespaced, ...gv, kind: get.responseKind.kind, verbs: ['get'] });
    }
    return [base, ...subs];
  });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

/** GET /api. */
export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(name: string, versions: string[]) {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0]! };
}

/** GET /apis: every named group. */
export function apiGroupList(kinds: KindRegistry) {
  const groups = [...kinds.groups()].filter(([g]) => g !== '').map(([g, versions]) => groupEntry(g, [...versions.keys()]));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** GET /apis/<group>. */
export function apiGroup(kinds: KindRegistry, group: string) {
  const versions = kinds.groups().get(group);
  if (!versions || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, [...versions.keys()]) };
}

/** The exact Content-Type kubectl requires for aggregated discovery. */
export const aggregatedDiscoveryContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/**
 * Aggregated discovery (apidiscovery.k8s.io/v2): every group, version and resource in one reply,
 * with responseKind and scope on every resource and subresource. `core` selects /api (the legacy
 * group) or /apis (every named group).
 */
export function aggregatedDiscovery(kinds: KindRegistry, core: boolean) {
  const items = [...kinds.groups()]
    .filter(([group]) => (core ? group === '' : group !== ''))
    .map(([group, versions]) => ({
      metadata: { name: group },
      versions: [...versions].map(([version, defs]) => ({
        version,
        freshness: 'Current',
        resources: defs.map((d: KindDefinition) => {
          const responseKind = { group: d.group, version: d.version, kind: d.kind };
          const subresources = [];
          if (d.subresources?.status) subresources.push({ subresource: 'status', responseKind, verbs: ['get', 'patch', 'update'] });
          if (d.subresources?.scale) subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
          for (const [name, post] of Object.entries(d.subresources?.post ?? {})) subresources.push({ subresource: name, responseKind: post.requestKind, verbs: ['create'] });
          for (const [name, get] of Object.entries(d.subresources?.get ?? {})) subresources.push({ subresource: name, responseKind: get.responseKind, verbs: ['get'] });
          return {
            resource: d.plural,
            responseKind,
            scope: d.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: d.singular ?? d.kind.toLowerCase(),
            verbs: d.verbs ?? allVerbs,
            ...(d.shortNames?.length ? { shortNames: d.shortNames } : {}),
            ...(d.categories?.length ? { categories: d.categories } : {}),
            ...(subresources.length ? { subresources } : {}),
          };
        }),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
