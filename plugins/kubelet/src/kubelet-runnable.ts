import type { Node, Pod } from '@keelson/api';
import { NodeConnectionsToken, type RunContext, type Runnable } from '@keelson/core';
import { NodeAgent, nodeAddressing, type RuntimeRegistration, SharedNodeSources } from '@keelson/kubelet';
import { KubeletOptionsError, KubeletOptionsToken } from './options.js';
import { RuntimeRegistryToken } from './runtime-registry.js';

/** The node agents this process runs (for tests and debugging; set while the runnable runs). */
export const runningAgents = new Set<NodeAgent>();

/**
 * Starts the configured number of node agents on the cluster's own Client (in-process nodes),
 * each with its own runtime instance, and stops them when the cluster stops.
 */
export const kubeletRunnable: Runnable = {
  name: 'kubelet',
  async start(ctx: RunContext) {
    const opts = ctx.get(KubeletOptionsToken);
    const runtimes = ctx.get(RuntimeRegistryToken);
    const runtimeName = opts.runtime ?? 'sim';
    const reg: RuntimeRegistration | undefined = runtimes.get(runtimeName);
    if (!reg) {
      throw new KubeletOptionsError(`kubelet: no runtime named "${runtimeName}" (known: ${[...runtimes.keys()].join(', ') || 'none'}; add its plugin, e.g. runtime-sim)`);
    }
    const count = opts.nodes ?? 3;
    const prefix = opts.namePrefix ?? 'node';
    const agents: NodeAgent[] = [];
    // The nodes of this process use the cluster's shared pod and node informers (one decoded copy
    // of each pod for the agents, the scheduler and the controllers).
    const sources = new SharedNodeSources({
      client: ctx.client,
      clock: ctx.clock,
      log: ctx.log,
      informers: { pods: ctx.informers.informerFor<Pod>({ apiVersion: 'v1', kind: 'Pod' }), nodes: ctx.informers.informerFor<Node>({ apiVersion: 'v1', kind: 'Node' }) },
    });
    // The runnable's recorder (component "kubelet") for all of them: events name no host.
    const recorder = opts.events === false ? (false as const) : ctx.recorder;
    for (let i = 1; i <= count; i++) {
      const nodeName = `${prefix}${i}`;
      const addr = nodeAddressing(i, { nodeCIDR: opts.nodeCIDR, clusterCIDR: opts.clusterCIDR, nodeCIDRMaskSize: opts.nodeCIDRMaskSize });
      const runtime = reg.factory({ nodeName, clock: ctx.clock, log: ctx.log.child(nodeName), options: opts.runtimeOptions ?? {} });
      agents.push(
        new NodeAgent({
          client: ctx.client,
          clock: ctx.clock,
          log: ctx.log,
          nodeName,
          runtime,
          sources,
          internalIP: addr.internalIP,
          podCIDR: addr.podCIDR,
          capacity: opts.capacity,
          labels: opts.labels,
          roles: opts.roles,
          taints: opts.taints,
          leaseDurationSeconds: opts.leaseDurationSeconds,
          recorder,
        }),
      );
    }
    const started: NodeAgent[] = [];
    // The API server of this process reaches these agents in-process (pods/log).
    const connections = ctx.get(NodeConnectionsToken);
    const unregister: (() => void)[] = [];
    await Promise.all(
      agents.map(async (a) => {
        if (ctx.signal.aborted) return;
        try {
          await a.start();
          started.push(a);
          runningAgents.add(a);
          unregister.push(connections.register(a.nodeName, a));
        } catch (err) {
          ctx.log.error('node agent failed to start', { node: a.nodeName, error: (err as Error).message });
        }
      }),
    );
    if (started.length) ctx.log.info('node agents started', { nodes: started.length, runtime: runtimeName });
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    for (const u of unregister) u();
    await Promise.all(started.map((a) => a.stop()));
    sources.stop();
    for (const a of started) runningAgents.delete(a);
  },
};
