import type { KubeObject, Pod, PodCondition } from '@keelson/api';
import { type Client, type Clock, createEventRecorder, type EventRecorder, type HandlerRegistration, type Logger, rfc3339, type SharedInformerFactory, silentLogger } from '@keelson/core';
import { SchedulerCache } from './cache/cache.js';
import { Snapshot } from './cache/snapshot.js';
import { loadSchedulerConfig } from './config/load.js';
import type { KubeSchedulerConfiguration } from './config/types.js';
import { addEventHandlers, PodKindRef } from './event-handlers.js';
import { FitError } from './fit-error.js';
import { CycleState } from './framework/cycle-state.js';
import type { PluginRegistry } from './framework/registry.js';
import { Framework } from './framework/runtime.js';
import { Code, Status } from './framework/status.js';
import { type ClusterEventWithHint, Events, type QueuedPodInfo } from './framework/types.js';
import { WaitingPods } from './framework/waiting-pods.js';
import { Nominator } from './queue/nominator.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { type ScheduleResult, SchedulingAlgorithm, SchedulingError } from './schedule-pod.js';

export interface SchedulerOptions {
  client: Client;
  clock: Clock;
  informers: SharedInformerFactory;
  registry: PluginRegistry;
  /** KubeSchedulerConfiguration as YAML text or an object (default: one default-scheduler profile). */
  config?: string | KubeSchedulerConfiguration;
  log?: Logger;
  /** One recorder per profile (default: core's recorder with the scheduler name as component). */
  recorderFor?: (schedulerName: string) => EventRecorder;
  /** Assumed pods expire this long after their binding finished if never confirmed (0 = never). */
  assumedPodTtlMs?: number;
  /** Random source for tie-breaking (tests). */
  random?: () => number;
}

/**
 * kube-scheduler: informers feed the cache and the queue; one pod at a time goes through the
 * scheduling cycle (synchronous filter/score, assume, Reserve, Permit), then the binding cycle
 * runs asynchronously (WaitOnPermit, PreBind, Bind, PostBind) while the next pod is scheduled.
 */
export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly snapshot: Snapshot;
  readonly algorithm: SchedulingAlgorithm;
  readonly waitingPods: WaitingPods;
  readonly nominator: Nominator;
  private readonly log: Logger;
  private readonly bindings = new Set<Promise<void>>();
  private registrations: HandlerRegistration[] = [];
  private stopped = false;
  private loop?: Promise<void>;
  /** The last result of each pod (tests and debugging). */
  lastResult?: { pod: string; result?: ScheduleResult; error?: string };

  private constructor(
    private readonly opts: SchedulerOptions,
    readonly profiles: Map<string, Framework>,
    queueOpts: { initialBackoffMs: number; maxBackoffMs: number },
    percentageOfNodesToScore: number,
    shared: { snapshot: Snapshot; waitingPods: WaitingPods; nominator: Nominator },
  ) {
    this.snapshot = shared.snapshot;
    this.waitingPods = shared.waitingPods;
    this.nominator = shared.nominator;
    this.log = opts.log ?? silentLogger;
    this.cache = new SchedulerCache({ clock: opts.clock, assumedPodTtlMs: opts.assumedPodTtlMs, log: this.log });
    this.algorithm = new SchedulingAlgorithm(percentageOfNodesToScore, opts.random);
    const first = [...profiles.values()][0]!;
    const less = first.queueSortPlugin();
    const events = new Map<string, Map<string, ClusterEventWithHint[]>>();
    for (const [name, fwk] of profiles) events.set(name, new Map(fwk.enqueueExtensions().map((e) => [e.plugin, e.events])));
    this.queue = new SchedulingQueue({
      clock: opts.clock,
      less: (a, b) => less.less(a, b),
      ...queueOpts,
      preEnqueue: (pod) => this.frameworkFor(pod)?.runPreEnqueuePlugins(pod),
      pluginEvents: (pod, plugin) => events.get(pod.spec?.schedulerName ?? '')?.get(plugin) ?? [{ event: Events.WildCard }],
      log: this.log,
    });
  }

  static async create(opts: SchedulerOptions): Promise<Scheduler> {
    const cfg = loadSchedulerConfig(opts.config);
    const log = opts.log ?? silentLogger;
    const waitingPods = new WaitingPods();
    const nominator = new Nominator();
    const snapshot = new Snapshot();
    const profiles = new Map<string, Framework>();
    for (const profile of cfg.profiles) {
      const recorder = opts.recorderFor?.(profile.schedulerName) ?? createEventRecorder({ client: opts.client, clock: opts.clock, component: profile.schedulerName, log });
      const fwk = await Framework.create(profile, opts.registry, {
        client: opts.client,
        clock: opts.clock,
        informers: opts.informers,
        log,
        recorder,
        snapshot: () => snapshot,
        nominator,
        waitingPods,
      });
      if (fwk.missingDefaultPlugins().length) log.debug('default scheduler plugins not installed', { profile: profile.schedulerName, plugins: fwk.missingDefaultPlugins() });
      profiles.set(profile.schedulerName, fwk);
    }
    const sorts = new Set([...profiles.values()].map((f) => f.pluginNames('queueSort')[0]));
    if (sorts.size > 1) throw new Error(`all profiles must use the same queue sort plugin, found ${[...sorts].join(', ')}`);
    const backoff = { initialBackoffMs: cfg.podInitialBackoffSeconds * 1000, maxBackoffMs: cfg.podMaxBackoffSeconds * 1000 };
    return new Scheduler(opts, profiles, backoff, cfg.percentageOfNodesToScore, { snapshot, waitingPods, nominator });
  }

  frameworkFor(pod: Pod): Framework | undefined {
    return this.profiles.get(pod.spec?.schedulerName ?? '');
  }

  /** Registers the informer handlers, waits for the caches, then schedules until stop(). */
  async start(): Promise<void> {
    this.registrations = addEventHandlers({
      informers: this.opts.informers,
      cache: this.cache,
      queue: this.queue,
      responsibleFor: (pod) => this.profiles.has(pod.spec?.schedulerName ?? ''),
      onPodDeleted: (pod) => {
        this.nominator.deleteNominatedPodIfExists(pod);
        this.waitingPods.get(pod.metadata.uid!)?.reject('', 'pod was deleted');
      },
    });
    await Promise.all([this.opts.informers.informerFor(PodKindRef).start(), this.opts.informers.informerFor({ apiVersion: 'v1', kind: 'Node' }).start()]);
    this.queue.run();
    this.cache.run();
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const p = await this.queue.pop();
      if (!p) break;
      try {
        await this.scheduleOne(p);
      } catch (err) {
        this.log.error('scheduling a pod failed unexpectedly', { error: String(err) });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const r of this.registrations) r.remove();
    this.queue.close();
    this.cache.stop();
    await this.loop;
    await this.idle();
  }

  /** Resolves when every binding cycle started so far has ended. */
  async idle(): Promise<void> {
    while (this.bindings.size) await Promise.all([...this.bindings]);
  }

  /** One scheduling cycle for a popped pod; starts its binding cycle. */
  async scheduleOne(pInfo: QueuedPodInfo): Promise<void> {
    const pod = pInfo.podInfo.pod;
    const fwk = this.frameworkFor(pod);
    if (!fwk) {
      this.queue.done(pod.metadata.uid!);
      return;
    }
    if (pod.metadata.deletionTimestamp || this.cache.getPod(pod)) {
      this.queue.done(pod.metadata.uid!);
      return;
    }
    const state = new CycleState();
    this.cache.updateSnapshot(this.snapshot);
    let result: ScheduleResult;
    try {
      result = this.algorithm.schedulePod(fwk, state, pod, this.snapshot);
    } catch (err) {
      this.lastResult = { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, error: String(err) };
      if (err instanceof FitError) {
        let postFilterMsg: string | undefined;
        if (fwk.hasPostFilterPlugins()) {
          const out = await fwk.runPostFilterPlugins(state, pod, err.diagnosis.nodeToStatus);
          if (out.status.code === Code.Error) this.log.error('PostFilter failed', { pod: pod.metadata.name, error: out.status.message() });
          else postFilterMsg = out.status.message() || undefined;
          if (out.status.isSuccess() && out.result?.nominatedNodeName) this.nominator.addNominatedPod(pInfo.podInfo, out.result.nominatedNodeName);
          else if (out.result?.nominatedNodeName === '') this.nominator.deleteNominatedPodIfExists(pod);
        }
        err.diagnosis.postFilterMsg = postFilterMsg;
        for (const p of err.diagnosis.unschedulablePlugins) pInfo.unschedulablePlugins.add(p);
        await this.failure(fwk, pInfo, new Status(Code.Unschedulable, [err.message]), 'Unschedulable');
        return;
      }
      const status = err instanceof SchedulingError ? err.status : Status.error(err);
      await this.failure(fwk, pInfo, status, status.isRejected() ? 'Unschedulable' : 'SchedulerError');
      return;
    }
    this.lastResult = { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, result };
    const host = result.suggestedHost;
    const assumed: Pod = { ...pod, spec: { ...pod.spec!, nodeName: host } };
    try {
      this.cache.assumePod(assumed);
    } catch (err) {
      await this.failure(fwk, pInfo, Status.error(err), 'SchedulerError');
      return;
    }
    // Placed: no longer nominated anywhere (kube's assume).
    this.nominator.deleteNominatedPodIfExists(pod);
    const reserve = await fwk.runReservePluginsReserve(state, assumed, host);
    if (reserve) {
      await fwk.runReservePluginsUnreserve(state, assumed, host);
      this.cache.forgetPod(assumed);
      if (reserve.isRejected() && reserve.plugin) pInfo.unschedulablePlugins.add(reserve.plugin);
      await this.failure(fwk, pInfo, reserve, reserve.isRejected() ? 'Unschedulable' : 'SchedulerError');
      return;
    }
    const permit = await fwk.runPermitPlugins(state, assumed, host);
    if (permit && !permit.isWait()) {
      await fwk.runReservePluginsUnreserve(state, assumed, host);
      this.cache.forgetPod(assumed);
      if (permit.isRejected() && permit.plugin) pInfo.unschedulablePlugins.add(permit.plugin);
      await this.failure(fwk, pInfo, permit, permit.isRejected() ? 'Unschedulable' : 'SchedulerError');
      return;
    }
    const binding = this.bindingCycle(fwk, state, pInfo, assumed, host).catch((err) => this.log.error('binding cycle failed', { error: String(err) }));
    this.bindings.add(binding);
    void binding.finally(() => this.bindings.delete(binding));
  }

  private async bindingCycle(fwk: Framework, state: CycleState, pInfo: QueuedPodInfo, assumed: Pod, host: string): Promise<void> {
    const fail = async (s: Status) => {
      await fwk.runReservePluginsUnreserve(state, assumed, host);
      try {
        this.cache.forgetPod(assumed);
        // The assumed pod held resources: releasing them is like a pod deletion.
        this.queue.moveAllToActiveOrBackoffQueue(Events.AssignedPodDelete, assumed, undefined);
      } catch (err) {
        this.log.error('forgetting an assumed pod failed', { error: String(err) });
      }
      if (s.isRejected() && s.plugin) pInfo.unschedulablePlugins.add(s.plugin);
      await this.failure(fwk, pInfo, s, s.isRejected() ? 'Unschedulable' : 'SchedulerError');
    };
    const permit = await fwk.waitOnPermit(assumed);
    if (permit) return fail(permit);
    const pre = await fwk.runPreBindPlugins(state, assumed, host);
    if (pre) return fail(pre);
    const bind = await fwk.runBindPlugins(state, assumed, host);
    if (bind) return fail(bind.isSkip() ? Status.error(new Error('no bind plugin bound the pod')) : bind);
    this.cache.finishBinding(assumed);
    this.queue.done(assumed.metadata.uid!);
    fwk.eventRecorder().event(asPod(assumed), 'Normal', 'Scheduled', `Successfully assigned ${assumed.metadata.namespace}/${assumed.metadata.name} to ${host}`);
    await fwk.runPostBindPlugins(state, assumed, host);
  }

  /**
   * kube's handleSchedulingFailure: a FailedScheduling event, PodScheduled=False with the reason
   * and message, and the pod back in the queue (if it still exists and is still unassigned).
   */
  private async failure(fwk: Framework, pInfo: QueuedPodInfo, status: Status, reason: 'Unschedulable' | 'SchedulerError'): Promise<void> {
    const pod = pInfo.podInfo.pod;
    const msg = status.message();
    const current = this.opts.informers.lister<Pod>(PodKindRef).namespace(pod.metadata.namespace!).get(pod.metadata.name!);
    if (current && current.metadata.uid === pod.metadata.uid && !current.spec?.nodeName) {
      pInfo.podInfo = { ...pInfo.podInfo, pod: current };
      this.queue.addUnschedulableIfNotPresent(pInfo);
    } else this.queue.done(pod.metadata.uid!);
    fwk.eventRecorder().event(asPod(pod), 'Warning', 'FailedScheduling', msg.length > 1024 ? `${msg.slice(0, 1021)}...` : msg);
    if (current && !current.spec?.nodeName) await this.setPodScheduledFalse(current, reason, msg);
  }

  private async setPodScheduledFalse(pod: Pod, reason: string, message: string): Promise<void> {
    const conditions = [...(pod.status?.conditions ?? [])];
    const i = conditions.findIndex((c) => c.type === 'PodScheduled');
    const old = i >= 0 ? conditions[i] : undefined;
    if (old && old.status === 'False' && old.reason === reason && old.message === message) return;
    const cond: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: old?.status === 'False' && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(this.opts.clock.now()),
      reason,
      message,
    };
    if (i >= 0) conditions[i] = cond;
    else conditions.push(cond);
    try {
      await this.opts.client.patch<KubeObject>(PodKindRef, pod.metadata.name!, 'merge', { status: { conditions } }, { namespace: pod.metadata.namespace, subresource: 'status' });
    } catch (err) {
      this.log.debug('updating PodScheduled failed', { pod: pod.metadata.name, error: String(err) });
    }
  }
}

/** Informer objects may lack apiVersion/kind; events need them for involvedObject. */
function asPod(pod: Pod): Pod {
  return pod.kind ? pod : { ...pod, apiVersion: 'v1', kind: 'Pod' };
}
