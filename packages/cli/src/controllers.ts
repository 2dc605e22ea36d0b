import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { type HttpClient, ResourceResolver } from '@keelson/client-http';
import { isNotFound, kindApiVersion } from '@keelson/api';
import { type Cluster, createCluster, createLeaseLeaderElector, createLogger, KindRegistry, type LogLevel, RealClock } from '@keelson/core';
import { loadConfig } from './config.js';
import { importPlugin } from './plugin-resolver.js';
import { connect, type RemoteOptions, waitForServer } from './remote.js';

export interface ControllersOptions extends RemoteOptions {
  /** keelson.yaml: the plugins whose controllers and runnables run here (its `store` is not used). */
  config?: string;
  logLevel?: LogLevel;
  /** Run leader-only controllers only while holding the Lease kube-system/keelson-controllers. */
  leaderElect?: boolean;
  /** This candidate's identity in the Lease (default hostname_uuid, as client-go). */
  identity?: string;
  /** How long to wait for the API server to answer (default 30 s). */
  waitMs?: number;
  /** Where progress lines go (stderr by default). */
  out?: (line: string) => void;
}

export interface RunningControllers {
  cluster: Cluster;
  client: HttpClient;
  stop(): Promise<void>;
}

/**
 * `keelson controllers`: the configured plugins' controllers and runnables in their own process,
 * talking to an API server (`keelson server`, or any other) over HTTP. No store, no API server
 * here: the kinds come from the plugins (for informers and REST paths), everything else from the
 * server.
 */
export async function runControllers(opts: ControllersOptions): Promise<RunningControllers> {
  const out = opts.out ?? ((line: string) => process.stderr.write(line + '\n'));
  const configPath = opts.config ? resolve(opts.config) : undefined;
  const baseDir = configPath ? dirname(configPath) : process.cwd();
  const config = await loadConfig(configPath);
  const plugins = await Promise.all(config.plugins.map((p) => importPlugin(p.name, baseDir)));
  out(`  ✓ plugins ${config.plugins.map((p) => p.name).join(', ')}`);
  const kinds = new KindRegistry();
  for (const p of plugins) for (const k of p.kinds ?? []) kinds.register(k);
  const clock = new RealClock();
  const log = createLogger({ level: opts.logLevel ?? 'info', name: 'keelson-controllers' });
  const client = connect(opts, { kinds });
  let cluster: Cluster | undefined;
  try {
    const version = await waitForServer(client, clock, opts.waitMs ?? 30_000, out);
    out(`  ✓ API server ${client.transport.base.origin} (${version})`);
    await checkServedKinds(client, kinds);
    const identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
    cluster = await createCluster({
      plugins,
      client,
      clock,
      logger: log,
      component: 'keelson-controllers',
      pluginOptions: Object.fromEntries(config.plugins.flatMap((p, i) => (p.options ? [[plugins[i]!.name, p.options]] : []))),
      leaderElector: opts.leaderElect ? createLeaseLeaderElector({ client, clock, namespace: 'kube-system', name: 'keelson-controllers', identity, releaseOnCancel: true, log: log.child('leader') }) : undefined,
    });
    await cluster.start();
  } catch (err) {
    await cluster?.stop().catch(() => {});
    client.close();
    throw err;
  }
  const running = cluster;
  out(`keelson controllers are running against ${client.transport.base.origin}: ${running.controllerNames().join(', ') || '(none)'}${opts.leaderElect ? ' (leader election: kube-system/keelson-controllers)' : ''}`);
  return {
    cluster: running,
    client,
    async stop() {
      await running.stop();
      client.close();
    },
  };
}

export class UnservedKindsError extends Error {
  override readonly name = 'UnservedKindsError';
}

/**
 * Every kind the plugins bring must be served by the API server (its plugins): otherwise the
 * informers would never sync. Fails at once naming the missing kinds.
 */
async function checkServedKinds(client: HttpClient, kinds: KindRegistry): Promise<void> {
  const discovery = new ResourceResolver(client.transport);
  const missing: string[] = [];
  for (const k of kinds.list()) {
    try {
      await discovery.resolve({ apiVersion: kindApiVersion(k), kind: k.kind });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      missing.push(`${kindApiVersion(k)} ${k.kind}`);
    }
  }
  if (missing.length) {
    throw new UnservedKindsError(`the API server at ${client.transport.base.origin} does not serve ${missing.join(', ')}: run it with the same plugins (keelson server --config ...)`);
  }
}
