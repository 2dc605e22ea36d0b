import type { Client, Clock, Logger, LogLevel } from '@keelson/core';
import { createLogger, KindRegistry, RealClock } from '@keelson/core';
import corePlugin from '@keelson/plugin-core';
import { connect, type RemoteOptions, waitForServer } from './remote.js';

/** What `keelson agent` hands to the node agent (runNodeAgent of @keelson/plugin-kubelet). */
export interface NodeAgentOptions {
  /** The API client (an HttpClient to the API server). */
  client: Client;
  /** The Node's name (metadata.name of the Node object the agent registers and keeps alive). */
  name: string;
  clock: Clock;
  log: Logger;
  /** The runtime to run pods with, by name (--runtime); the agent's default when absent. */
  runtime?: string;
}

/** A running node agent. */
export interface NodeAgentHandle {
  stop(): Promise<void>;
}

/** The module `keelson agent` loads: @keelson/plugin-kubelet (runNodeAgent over @keelson/kubelet's NodeAgent). */
export interface NodeAgentModule {
  runNodeAgent(opts: NodeAgentOptions): Promise<NodeAgentHandle>;
}

export interface AgentOptions extends RemoteOptions {
  name: string;
  runtime?: string;
  logLevel?: LogLevel;
  waitMs?: number;
  out?: (line: string) => void;
  /** Loads the node agent (default: import('@keelson/plugin-kubelet')). */
  load?: () => Promise<NodeAgentModule>;
}

export class NodeAgentUnavailableError extends Error {
  override readonly name = 'NodeAgentUnavailableError';
}

/** The package that provides runNodeAgent. Imported by name at run time: the CLI does not need it to build. */
export const nodeAgentPackage = '@keelson/plugin-kubelet';

/** Imports the node agent package; a NodeAgentUnavailableError names what is missing. */
export async function loadNodeAgent(specifier: string = nodeAgentPackage): Promise<NodeAgentModule> {
  let mod: Partial<NodeAgentModule>;
  try {
    mod = (await import(specifier)) as Partial<NodeAgentModule>;
  } catch (err) {
    throw new NodeAgentUnavailableError(`keelson agent needs the node agent package ${specifier}, which is not installed (npm i ${specifier}): ${(err as Error).message}`, { cause: err });
  }
  if (typeof mod.runNodeAgent !== 'function') throw new NodeAgentUnavailableError(`${specifier} does not export runNodeAgent({client, name, clock, log, runtime})`);
  return mod as NodeAgentModule;
}

/**
 * `keelson agent --server URL --name X`: a node agent in its own process. It connects to the API
 * server over HTTP (the core kinds are known locally, the rest through discovery) and hands over
 * to @keelson/plugin-kubelet's runNodeAgent.
 */
export async function runAgent(opts: AgentOptions): Promise<NodeAgentHandle & { client: Client }> {
  if (!opts.name) throw new NodeAgentUnavailableError('keelson agent needs --name (the Node name)');
  const out = opts.out ?? ((line: string) => process.stderr.write(line + '\n'));
  const agent = await (opts.load ?? loadNodeAgent)();
  const kinds = new KindRegistry();
  for (const k of corePlugin.kinds ?? []) kinds.register(k);
  const client = connect(opts, { kinds });
  const clock = new RealClock();
  const log = createLogger({ level: opts.logLevel ?? 'info', name: `keelson-agent(${opts.name})` });
  try {
    const version = await waitForServer(client, clock, opts.waitMs ?? 30_000, out);
    out(`  ✓ API server ${client.transport.base.origin} (${version})`);
    const handle = await agent.runNodeAgent({ client, name: opts.name, clock, log, ...(opts.runtime ? { runtime: opts.runtime } : {}) });
    out(`keelson agent is running node ${opts.name} against ${client.transport.base.origin}`);
    return {
      client,
      async stop() {
        await handle.stop();
        client.close();
      },
    };
  } catch (err) {
    client.close();
    throw err;
  }
}
