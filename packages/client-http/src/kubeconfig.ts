import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

/** Where and how to reach an API server: what HttpClient needs from a kubeconfig. */
export interface ConnectionConfig {
  /** "https://127.0.0.1:6443", "http://127.0.0.1:6443". */
  server: string;
  /** Bearer token. */
  token?: string;
  /** Basic auth. */
  username?: string;
  password?: string;
  /** PEM CA bundle that signs the server's certificate. */
  ca?: string;
  /** PEM client certificate and key (mutual TLS). */
  cert?: string;
  key?: string;
  /** Do not verify the server's certificate. */
  insecureSkipTlsVerify?: boolean;
  /** Server name for SNI and certificate verification, when it differs from the host in `server`. */
  tlsServerName?: string;
  /** The context's namespace, if it names one. */
  namespace?: string;
}

export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

interface Named {
  name: string;
  [key: string]: unknown;
}

interface RawConfig {
  'current-context'?: string;
  clusters?: Named[];
  contexts?: Named[];
  users?: Named[];
}

type Dict = Record<string, unknown>;

/**
 * The kubeconfig files to read, as kubectl finds them: the explicit path, else every file in
 * $KUBECONFIG (path-list separated), else ~/.kube/config.
 */
export function kubeconfigPaths(explicit?: string): string[] {
  if (explicit) return [resolve(explicit)];
  const env = process.env.KUBECONFIG;
  if (env) return env.split(delimiter).filter(Boolean).map((p) => resolve(p));
  return [join(homedir(), '.kube', 'config')];
}

/**
 * Reads a kubeconfig and returns the connection of a context (the current one by default):
 * server, CA (certificate-authority or -data), insecure-skip-tls-verify, tls-server-name, and the
 * user's token (token or tokenFile), basic auth or client certificate (file or -data). Several
 * files merge as kubectl merges them: the first file to define a name or the current context wins.
 * Exec plugins and auth providers are not supported (a KubeconfigError says so).
 */
export function loadKubeconfig(path?: string, opts: { context?: string } = {}): ConnectionConfig {
  const candidates = kubeconfigPaths(path);
  const files = path ? candidates : candidates.filter((f) => existsSync(f));
  if (files.length === 0) throw new KubeconfigError(`no kubeconfig found (looked at ${candidates.join(', ')})`);
  const merged: { current?: string; clusters: Map<string, [Dict, string]>; contexts: Map<string, Dict>; users: Map<string, [Dict, string]> } = {
    clusters: new Map(),
    contexts: new Map(),
    users: new Map(),
  };
  for (const file of files) {
    let raw: RawConfig;
    try {
      raw = (parse(readFileSync(file, 'utf8')) ?? {}) as RawConfig;
    } catch (err) {
      throw new KubeconfigError(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
    }
    const dir = dirname(file);
    merged.current ??= raw['current-context'] || undefined;
    for (const c of raw.clusters ?? []) if (!merged.clusters.has(c.name)) merged.clusters.set(c.name, [(c.cluster ?? {}) as Dict, dir]);
    for (const c of raw.contexts ?? []) if (!merged.contexts.has(c.name)) merged.contexts.set(c.name, (c.context ?? {}) as Dict);
    for (const u of raw.users ?? []) if (!merged.users.has(u.name)) merged.users.set(u.name, [(u.user ?? {}) as Dict, dir]);
  }
  const contextName = opts.context ?? merged.current;
  if (!contextName) throw new KubeconfigError(`the kubeconfig (${files.join(', ')}) has no current-context`);
  const context = merged.contexts.get(contextName);
  if (!context) throw new KubeconfigError(`context "${contextName}" is not in the kubeconfig (${files.join(', ')})`);
  const clusterEntry = merged.clusters.get(String(context.cluster ?? ''));
  if (!clusterEntry) throw new KubeconfigError(`cluster "${String(context.cluster)}" of context "${contextName}" is not in the kubeconfig`);
  const [cluster, clusterDir] = clusterEntry;
  if (typeof cluster.server !== 'string' || !cluster.server) throw new KubeconfigError(`cluster "${String(context.cluster)}" has no server`);
  const out: ConnectionConfig = { server: cluster.server };
  if (cluster['insecure-skip-tls-verify'] === true) out.insecureSkipTlsVerify = true;
  if (typeof cluster['tls-server-name'] === 'string') out.tlsServerName = cluster['tls-server-name'];
  const ca = pem(cluster, 'certificate-authority', clusterDir);
  if (ca) out.ca = ca;
  if (typeof context.namespace === 'string' && context.namespace) out.namespace = context.namespace;

  const userName = context.user === undefined ? undefined : String(context.user);
  const userEntry = userName === undefined ? undefined : merged.users.get(userName);
  if (userName !== undefined && !userEntry) throw new KubeconfigError(`user "${userName}" of context "${contextName}" is not in the kubeconfig`);
  if (userEntry) {
    const [user, userDir] = userEntry;
    if (user.exec || user['auth-provider']) throw new KubeconfigError(`user "${userName}": exec plugins and auth providers are not supported; use a token or a client certificate`);
    if (typeof user.token === 'string' && user.token) out.token = user.token;
    else if (typeof user.tokenFile === 'string' && user.tokenFile) out.token = readFileSync(inDir(user.tokenFile, userDir), 'utf8').trim();
    if (typeof user.username === 'string') out.username = user.username;
    if (typeof user.password === 'string') out.password = user.password;
    const cert = pem(user, 'client-certificate', userDir);
    const key = pem(user, 'client-key', userDir);
    if (cert) out.cert = cert;
    if (key) out.key = key;
  }
  return out;
}

function inDir(file: string, dir: string): string {
  return isAbsolute(file) ? file : join(dir, file);
}

/** A PEM from `<field>-data` (base64) or `<field>` (a file, relative to the kubeconfig's folder). */
function pem(entry: Dict, field: string, dir: string): string | undefined {
  const data = entry[`${field}-data`];
  if (typeof data === 'string' && data) return Buffer.from(data, 'base64').toString('utf8');
  const file = entry[field];
  if (typeof file === 'string' && file) {
    try {
      return readFileSync(inDir(file, dir), 'utf8');
    } catch (err) {
      throw new KubeconfigError(`cannot read ${field} ${file}: ${(err as Error).message}`);
    }
  }
  return undefined;
}
