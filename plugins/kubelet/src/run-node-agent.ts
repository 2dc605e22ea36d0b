import { ApiError } from '@keelson/api';
import type { Client, Clock, Logger } from '@keelson/core';
import { NodeAgent, nodeAddressing, type RuntimeRegistration, serveNodeAgent } from '@keelson/kubelet';
import { KubeletOptionsError } from './options.js';

/** What `keelson agent` hands over: a client to the API server, the Node's name, the runtime by name. */
export interface RunNodeAgentOptions {
  client: Client;
  name: string;
  clock: Clock;
  log: Logger;
  /** A runtime contributed by the plugin @keelson/plugin-runtime-<runtime> (default "sim"). */
  runtime?: string;
  /** Serve the agent's HTTP endpoint (container logs for the API server) on its InternalIP (default true). */
  serve?: boolean;
}

/** The node's index in the address ranges: its name's trailing number (node7 → 7), else a hash in 1..250. */
export function nodeIndex(name: string): number {
  const m = /(\d+)$/.exec(name);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 65_000) return Number(m[1]);
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return 1 + (h % 250);
}

/** Loads the runtime named `name` from its plugin package (@keelson/plugin-runtime-<name>). */
export async function loadRuntime(name: string): Promise<RuntimeRegistration> {
  const pkg = `@keelson/plugin-runtime-${name}`;
  let plugin: { runtimes?: readonly RuntimeRegistration[] };
  try {
    plugin = ((await import(pkg)) as { default: typeof plugin }).default;
  } catch (err) {
    throw new KubeletOptionsError(`runtime "${name}" needs the plugin ${pkg}, which is not installed: ${(err as Error).message}`);
  }
  const reg = plugin.runtimes?.find((r) => r.name === name);
  if (!reg) throw new KubeletOptionsError(`${pkg} contributes no runtime named "${name}"`);
  return reg;
}

/**
 * A node agent in its own process (`keelson agent --server URL --name X`): one NodeAgent over the
 * given (remote) client with its own informers, addresses from the node's index, a runtime loaded
 * by name, and its HTTP endpoint (container logs) on the node's InternalIP at an ephemeral port
 * published in the Node's status. Resolves once the Node is registered; stop() drains its pods'
 * workers and closes the endpoint.
 */
export async function runNodeAgent(opts: RunNodeAgentOptions): Promise<{ stop(): Promise<void>; port?: number }> {
  const runtimeName = opts.runtime ?? 'sim';
  const reg = await loadRuntime(runtimeName);
  const addr = nodeAddressing(nodeIndex(opts.name));
  let agent: NodeAgent | undefined;
  // Listening first: the port goes into the Node the agent registers.
  const server =
    opts.serve === false
      ? undefined
      : await serveNodeAgent(
          {
            containerLogs(req, signal) {
              if (!agent) throw new ApiError(503, 'ServiceUnavailable', `node agent ${opts.name} is starting`);
              return agent.containerLogs(req, signal);
            },
          },
          addr.internalIP,
        );
  agent = new NodeAgent({
    client: opts.client,
    clock: opts.clock,
    log: opts.log,
    nodeName: opts.name,
    runtime: reg.factory({ nodeName: opts.name, clock: opts.clock, log: opts.log.child(opts.name), options: {} }),
    internalIP: addr.internalIP,
    podCIDR: addr.podCIDR,
    ...(server ? { kubeletPort: server.port } : {}),
  });
  try {
    await agent.start();
  } catch (err) {
    await server?.close();
    throw err;
  }
  const started = agent;
  return {
    ...(server ? { port: server.port } : {}),
    async stop() {
      await server?.close();
      await started.stop();
    },
  };
}
