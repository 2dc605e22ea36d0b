/** Where a request points, parsed from its path as kube-apiserver's RequestInfoFactory does. */
export interface RequestInfo {
  /** "" for the core group (/api/v1). */
  group: string;
  version: string;
  namespace?: string;
  /** Plural resource name. */
  resource: string;
  name?: string;
  subresource?: string;
}

/**
 * /api/v1/pods, /api/v1/namespaces/ns/pods/name/status, /apis/apps/v1/namespaces/ns/deployments,
 * /api/v1/namespaces/name (the namespace object itself). Undefined for non-resource paths.
 */
export function parseResourcePath(pathname: string): RequestInfo | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let group = '';
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  // "namespaces/<ns>/<resource>..." scopes to a namespace; "namespaces[/<name>[/<sub>]]" is the Namespace kind.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return undefined;
  return { group, version, namespace, resource, name, subresource };
}
