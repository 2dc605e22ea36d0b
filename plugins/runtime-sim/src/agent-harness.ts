import type { Event as KubeEvent, Pod, PodSpec } from '@keelson/api';
import { NodeAgent } from '@keelson/kubelet';
import { startTestCluster, type TestCluster } from '@keelson/testing';
import type { SimProfileOptions } from './profile.js';
import { SimAnnotationPrefix, SimRuntime } from './sim-runtime.js';

const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;
const EventRef = { apiVersion: 'v1', kind: 'Event' } as const;

/** One node agent over the simulated runtime on an in-process cluster with a FakeClock (for tests). */
export interface AgentHarness {
  cluster: TestCluster;
  agent: NodeAgent;
  runtime: SimRuntime;
  /** Creates a pod bound to the node; `sim` keys become sim.keelson.dev/ annotations. */
  createPod(name: string, spec: Partial<PodSpec>, sim?: Record<string, string>): Promise<Pod>;
  getPod(name: string): Promise<Pod | undefined>;
  /** Waits (real time, clock still) until the pod satisfies check. */
  waitPod(name: string, check: (p: Pod) => unknown): Promise<Pod>;
  /** Moves the clock forward in steps (default 100 ms) so background work settles between timers. */
  advance(ms: number, stepMs?: number): Promise<void>;
  events(name: string): Promise<KubeEvent[]>;
  stop(): Promise<void>;
}

export async function startAgentHarness(opts: { profile?: SimProfileOptions; capacity?: Record<string, string>; events?: boolean } = {}): Promise<AgentHarness> {
  const cluster = await startTestCluster();
  const runtime = new SimRuntime({ clock: cluster.clock, nodeName: 'node1', options: { ...opts.profile } as Record<string, unknown> });
  const agent = new NodeAgent({
    client: cluster.client,
    clock: cluster.clock,
    nodeName: 'node1',
    runtime,
    internalIP: '127.1.0.1',
    podCIDR: '127.244.1.0/24',
    capacity: opts.capacity,
    ...(opts.events === false ? { recorder: false as const } : {}),
  });
  await agent.start();
  const getPod = async (name: string) => {
    try {
      return await cluster.client.get<Pod>(PodRef, name, { namespace: 'default' });
    } catch {
      return undefined;
    }
  };
  const h: AgentHarness = {
    cluster,
    agent,
    runtime,
    async createPod(name, spec, sim = {}) {
      const annotations = Object.fromEntries(Object.entries(sim).map(([k, v]) => [`${SimAnnotationPrefix}${k}`, v]));
      return cluster.client.create<Pod>({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', annotations },
        spec: { nodeName: 'node1', containers: [{ name: 'c', image: 'nginx:1.27' }], ...spec },
      });
    },
    getPod,
    async waitPod(name, check) {
      return (await cluster.eventually(async () => {
        const p = await getPod(name);
        return p && check(p) ? p : undefined;
      }, 3000))!;
    },
    async advance(ms, stepMs = 100) {
      for (let t = 0; t < ms; t += stepMs) {
        await cluster.clock.advance(Math.min(stepMs, ms - t));
        await new Promise((r) => setImmediate(r));
      }
    },
    async events(name) {
      await agent.recorder?.flush();
      return (await cluster.client.list<KubeEvent>(EventRef, { namespace: 'default' })).items.filter((e) => e.involvedObject.name === name);
    },
    async stop() {
      await agent.stop();
      await cluster.stop();
    },
  };
  return h;
}
