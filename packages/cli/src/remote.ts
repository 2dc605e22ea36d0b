import { HttpClient, type HttpClientOptions, loadKubeconfig } from '@keelson/client-http';
import type { Clock } from '@keelson/core';

/** How a process that is not the API server finds it: `--server URL` or `--kubeconfig FILE`. */
export interface RemoteOptions {
  /** API server URL, e.g. http://127.0.0.1:6443. Wins over the kubeconfig's server. */
  server?: string;
  /** A kubeconfig (its current context, or `context`); $KUBECONFIG / ~/.kube/config when neither flag is given. */
  kubeconfig?: string;
  context?: string;
  /** Bearer token (overrides the kubeconfig's). */
  token?: string;
  insecureSkipTlsVerify?: boolean;
}

export class RemoteOptionsError extends Error {
  override readonly name = 'RemoteOptionsError';
}

/** The HttpClient for --server / --kubeconfig (plus the kinds this process knows, for path resolution). */
export function connect(opts: RemoteOptions, extra: Omit<HttpClientOptions, 'server'> = {}): HttpClient {
  const base = opts.server && !opts.kubeconfig ? { server: opts.server } : loadKubeconfig(opts.kubeconfig, { context: opts.context });
  if (opts.server) base.server = opts.server;
  if (!/^https?:\/\//.test(base.server)) throw new RemoteOptionsError(`the API server URL must start with http:// or https:// (got ${JSON.stringify(base.server)})`);
  return new HttpClient({
    ...base,
    ...extra,
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
  });
}

/**
 * Waits until the API server answers /version (it may still be starting), retrying every
 * 200 ms up to `timeoutMs`; throws with the last error after that.
 */
export async function waitForServer(client: HttpClient, clock: Clock, timeoutMs = 30_000, out?: (line: string) => void): Promise<string> {
  const deadline = clock.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      return (await client.version()).gitVersion;
    } catch (err) {
      if (clock.now() >= deadline) throw new RemoteOptionsError(`the API server at ${client.transport.base.origin} did not answer within ${timeoutMs} ms: ${(err as Error).message}`);
      if (!said) out?.(`  … waiting for the API server at ${client.transport.base.origin} (${(err as Error).message})`);
      said = true;
      await clock.sleep(200);
    }
  }
}
