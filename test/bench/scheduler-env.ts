/**
 * The in-process environment of the scheduler benchmark: Pods, Nodes and Namespaces in
 * FakeListerWatchers behind real shared informers, a Client that binds pods (pods/binding moves
 * the pod to its node, as the API server does) and the default cluster's scheduler plugins.
 */
import type { KindRef, KubeObject, Pod } from '@keelson/api';
import { type Client, createSharedIndexInformer, FakeListerWatcher, type Lister, RealClock, type SharedIndexInformer, type SharedInformerFactory, silentLogger } from '@keelson/core';
import defaultBinder from '@keelson/plugin-scheduler-default-binder';
import defaultPreemption from '@keelson/plugin-scheduler-default-preemption';
import imageLocality from '@keelson/plugin-scheduler-image-locality';
import interPodAffinity from '@keelson/plugin-scheduler-inter-pod-affinity';
import nodeAffinity from '@keelson/plugin-scheduler-node-affinity';
import nodeName from '@keelson/plugin-scheduler-node-name';
import nodePorts from '@keelson/plugin-scheduler-node-ports';
import balanced from '@keelson/plugin-scheduler-node-resources-balanced-allocation';
import fit from '@keelson/plugin-scheduler-node-resources-fit';
import unschedulable from '@keelson/plugin-scheduler-node-unschedulable';
import topologySpread from '@keelson/plugin-scheduler-pod-topology-spread';
import taintToleration from '@keelson/plugin-scheduler-taint-toleration';
import { PluginRegistry, prioritySortRegistration, Scheduler, type SchedulerPluginRegistration } from '@keelson/scheduler';

const plugins = [nodeName, unschedulable, taintToleration, fit, nodeAffinity, interPodAffinity, topologySpread, nodePorts, balanced, imageLocality, defaultPreemption, defaultBinder];

const key = (k: KindRef) => `${k.apiVersion}/${k.kind}`;

export class SchedulerBenchEnv {
  readonly clock = new RealClock();
  readonly sources = new Map<string, FakeListerWatcher<KubeObject>>();
  private readonly informers = new Map<string, SharedIndexInformer<KubeObject>>();
  /** Pods deleted (preemption victims). */
  deleted = 0;
  /** Pods bound so far (pods/binding calls). */
  bound = 0;
  /** When each binding happened (performance.now()), for per-second throughput samples. */
  readonly boundAt: number[] = [];
  scheduler!: Scheduler;

  source(kind: KindRef): FakeListerWatcher<KubeObject> {
    let s = this.sources.get(key(kind));
    if (!s) this.sources.set(key(kind), (s = new FakeListerWatcher()));
    return s;
  }

  readonly factory: SharedInformerFactory = {
    informerFor: <T extends KubeObject>(kind: KindRef) => {
      let inf = this.informers.get(key(kind));
      if (!inf) {
        inf = createSharedIndexInformer<KubeObject>({ kind, listerWatcher: this.source(kind), clock: this.clock, log: silentLogger });
        this.informers.set(key(kind), inf);
      }
      return inf as unknown as SharedIndexInformer<T>;
    },
    lister: <T extends KubeObject>(kind: KindRef) => this.factory.informerFor<T>(kind).lister() as Lister<T>,
    start: async () => {
      await Promise.all([...this.informers.values()].map((i) => i.start()));
    },
    stop: () => {
      for (const i of this.informers.values()) i.stop();
    },
  };

  readonly client = {
    postSubresource: async (kind: KindRef, name: string, sub: string, body: { target: { name: string } }, opts: { namespace?: string }) => {
      if (kind.kind !== 'Pod' || sub !== 'binding') throw new Error(`unexpected ${kind.kind}/${sub}`);
      const pods = this.source({ apiVersion: 'v1', kind: 'Pod' });
      const pod = pods.get(`${opts.namespace}/${name}`) as Pod | undefined;
      if (!pod) throw new Error(`pod ${opts.namespace}/${name} not found`);
      pods.update({ ...pod, spec: { ...pod.spec!, nodeName: body.target.name } });
      this.bound++;
      this.boundAt.push(performance.now());
      return { apiVersion: 'v1', kind: 'Status', status: 'Success' };
    },
    patch: async () => ({}),
    // Preemption deletes its victims: without a kubelet they go at once (no graceful termination).
    delete: async (kind: KindRef, name: string, opts: { namespace?: string }) => {
      if (kind.kind !== 'Pod') throw new Error(`unexpected delete of ${kind.kind}`);
      this.deleted++;
      return this.source({ apiVersion: 'v1', kind: 'Pod' }).delete(`${opts.namespace}/${name}`) ?? {};
    },
    // Kinds the cluster serves (PodTopologySpread probes Services, ReplicaSets, ... with a list).
    list: async (kind: KindRef) => {
      if (!['Service', 'ReplicaSet', 'Namespace'].includes(kind.kind)) throw new Error('not found');
      return { apiVersion: 'v1', kind: 'List', metadata: {}, items: [] };
    },
  } as unknown as Client;

  async start(): Promise<void> {
    const registrations = plugins.flatMap((p) => (p.schedulerPlugins ?? []) as SchedulerPluginRegistration[]);
    this.scheduler = await Scheduler.create({
      client: this.client,
      clock: this.clock,
      informers: this.factory,
      registry: new PluginRegistry([prioritySortRegistration, ...registrations]),
      log: silentLogger,
      recorderFor: () => ({ event() {}, eventf() {}, flush: async () => {} }),
    });
    await this.scheduler.start();
    await this.factory.start();
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
    this.factory.stop();
  }

  /** Resolves when `n` pods are bound (polls every 10 ms); rejects after timeoutMs. */
  async waitBound(n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.bound < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.bound}/${n} pods bound after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
