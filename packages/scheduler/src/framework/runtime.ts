import type { Pod } from '@keelson/api';
import type { Client, Clock, EventRecorder, Logger, SharedInformerFactory } from '@keelson/core';
import type { KubeSchedulerProfile } from '../config/types.js';
import { BindingCycle } from './binding-cycle.js';
import { type BuiltProfile, buildProfile } from './build-profile.js';
import type { CycleState } from './cycle-state.js';
import type {
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  NodeScore,
  NodeToStatus,
  PodNominator,
  PostFilterPlugin,
  PostFilterResult,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  QueueSortPlugin,
  ScorePlugin,
  SharedLister,
  WaitingPod,
} from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import { asStatus, wrapError } from './plugin-status.js';
import type { PluginRegistry } from './registry.js';
import { Code, MaxNodeScore, MinNodeScore, Status } from './status.js';
import type { ClusterEventWithHint, PodInfo } from './types.js';
import type { WaitingPods } from './waiting-pods.js';

export interface FrameworkDeps {
  client: Client;
  clock: Clock;
  informers: SharedInformerFactory;
  log: Logger;
  recorder: EventRecorder;
  snapshot: () => SharedLister;
  nominator: PodNominator;
  waitingPods: WaitingPods;
}

/** Per-plugin and total scores of one node (kube's NodePluginScores). */
export interface NodePluginScores {
  name: string;
  scores: NodeScore[];
  totalScore: number;
}

/**
 * One profile's plugins and the code that runs each extension point in kube's order and with
 * kube's rules (kube's frameworkImpl): the scheduling cycle's points here, the binding cycle's in
 * BindingCycle. Also the Handle the profile's plugins get.
 */
export class Framework implements Handle {
  readonly profileName: string;
  readonly percentageOfNodesToScore?: number;
  readonly client: Client;
  readonly clock: Clock;
  readonly informers: SharedInformerFactory;
  readonly log: Logger;
  readonly nominator: PodNominator;
  private built!: BuiltProfile;
  private binding!: BindingCycle;

  private constructor(
    readonly profile: KubeSchedulerProfile & { schedulerName: string },
    private readonly deps: FrameworkDeps,
  ) {
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore || undefined;
    this.client = deps.client;
    this.clock = deps.clock;
    this.informers = deps.informers;
    this.log = deps.log;
    this.nominator = deps.nominator;
  }

  static async create(profile: KubeSchedulerProfile & { schedulerName: string }, registry: PluginRegistry, deps: FrameworkDeps): Promise<Framework> {
    const fwk = new Framework(profile, deps);
    fwk.built = await buildProfile(profile, registry, fwk);
    fwk.binding = new BindingCycle(fwk.built.points, deps.waitingPods, deps.clock, deps.log);
    return fwk;
  }

  // ---- Handle -------------------------------------------------------------------------------

  eventRecorder(): EventRecorder {
    return this.deps.recorder;
  }
  snapshotSharedLister(): SharedLister {
    return this.deps.snapshot();
  }
  getWaitingPod(uid: string): WaitingPod | undefined {
    return this.deps.waitingPods.get(uid);
  }
  iterateOverWaitingPods(fn: (wp: WaitingPod) => void): void {
    this.deps.waitingPods.forEach(fn);
  }
  rejectWaitingPod(uid: string): boolean {
    const wp = this.deps.waitingPods.get(uid);
    if (!wp) return false;
    wp.reject('', 'removed');
    return true;
  }

  // ---- introspection ------------------------------------------------------------------------

  pluginNames(point: keyof BuiltProfile['points']): string[] {
    return this.built.points[point].map((p) => p.name);
  }
  scoreWeight(name: string): number | undefined {
    return this.built.weights.get(name);
  }
  missingDefaultPlugins(): readonly string[] {
    return this.built.missingDefaults;
  }
  queueSortPlugin(): QueueSortPlugin {
    return this.built.points.queueSort[0] as QueueSortPlugin;
  }
  hasFilterPlugins(): boolean {
    return this.built.points.filter.length > 0;
  }
  hasScorePlugins(): boolean {
    return this.built.points.score.length > 0;
  }
  hasPostFilterPlugins(): boolean {
    return this.built.points.postFilter.length > 0;
  }
  /** Each plugin's registered events (plugins without EnqueueExtensions: every event). */
  enqueueExtensions(): { plugin: string; events: ClusterEventWithHint[] }[] {
    return [...this.built.plugins.values()].map((p) => {
      const ext = p as Partial<EnqueueExtensions>;
      const events = typeof ext.eventsToRegister === 'function' ? ext.eventsToRegister() : [{ event: { resource: '*', actionType: (1 << 12) - 1 } }];
      return { plugin: p.name, events };
    });
  }

  // ---- extension points ---------------------------------------------------------------------

  runPreEnqueuePlugins(pod: Pod): Status | undefined {
    for (const pl of this.built.points.preEnqueue as PreEnqueuePlugin[]) {
      const s = asStatus(pl.preEnqueue(pod));
      if (s) return s.withPlugin(s.plugin || pl.name);
    }
    return undefined;
  }

  runPreFilterPlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): { result?: PreFilterResult; status?: Status; pluginsWithNodes: string[] } {
    let result: PreFilterResult | undefined;
    const pluginsWithNodes: string[] = [];
    for (const pl of this.built.points.preFilter as PreFilterPlugin[]) {
      const out = pl.preFilter(state, pod, nodes);
      const [r, st] = out instanceof Status || !out ? [undefined, out] : [out.result, out.status];
      const s = asStatus(st);
      if (s?.isSkip()) {
        state.skipFilterPlugins.add(pl.name);
        continue;
      }
      if (s) {
        s.plugin ||= pl.name;
        return { status: s.isRejected() ? s : wrapError(`running PreFilter plugin "${pl.name}"`, s), pluginsWithNodes };
      }
      if (!r?.nodeNames) continue;
      pluginsWithNodes.push(pl.name);
      result = { nodeNames: result?.nodeNames ? new Set([...result.nodeNames].filter((n) => r.nodeNames!.has(n))) : new Set(r.nodeNames) };
      if (result.nodeNames!.size === 0) {
        const msg = pluginsWithNodes.length === 1 ? `node(s) didn't satisfy plugin ${pluginsWithNodes[0]}` : `node(s) didn't satisfy plugin(s) [${pluginsWithNodes.join(' ')}] simultaneously`;
        return { result, status: Status.unresolvable(msg), pluginsWithNodes };
      }
    }
    return { result, pluginsWithNodes };
  }

  /**
   * Every PreFilter plugin's AddPod / RemovePod extension (plugins whose PreFilter was skipped are
   * left out): the state as if the pod were added to / removed from the node (preemption).
   */
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    return this.runPreFilterExtension('addPod', state, podToSchedule, podInfoToAdd, nodeInfo);
  }

  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    return this.runPreFilterExtension('removePod', state, podToSchedule, podInfoToRemove, nodeInfo);
  }

  private runPreFilterExtension(which: 'addPod' | 'removePod', state: CycleState, pod: Pod, pi: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    for (const pl of this.built.points.preFilter as PreFilterPlugin[]) {
      if (state.skipFilterPlugins.has(pl.name)) continue;
      const ext = pl.preFilterExtensions?.();
      if (!ext) continue;
      const s = asStatus(ext[which](state, pod, pi, nodeInfo));
      if (s) return wrapError(`running ${which === 'addPod' ? 'AddPod' : 'RemovePod'} on PreFilter plugin "${pl.name}"`, s.withPlugin(pl.name));
    }
    return undefined;
  }

  /** The Filter plugins of the last cycle state (the filters run once per node: no per-node skip lookups). */
  private filterCache?: { state: CycleState; skips: number; plugins: FilterPlugin[] };

  private activeFilters(state: CycleState): FilterPlugin[] {
    const c = this.filterCache;
    if (c && c.state === state && c.skips === state.skipFilterPlugins.size) return c.plugins;
    const plugins = (this.built.points.filter as FilterPlugin[]).filter((pl) => !state.skipFilterPlugins.has(pl.name));
    this.filterCache = { state, skips: state.skipFilterPlugins.size, plugins };
    return plugins;
  }

  /**
   * kube's RunFilterPluginsWithNominatedPods: when pods of equal or higher priority are nominated
   * to the node (preemption made room for them), the filters must pass with them added as well
   * as without them, so that a pod does not take the room preemption freed for another.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    if (!this.nominator.hasNominatedPods()) return this.runFilterPlugins(state, pod, nodeInfo);
    const prio = pod.spec?.priority ?? 0;
    const nominated = this.nominator.nominatedPodsForNode(nodeInfo.nodeName()).filter((pi) => pi.pod.metadata.uid !== pod.metadata.uid && (pi.pod.spec?.priority ?? 0) >= prio);
    if (nominated.length === 0) return this.runFilterPlugins(state, pod, nodeInfo);
    const withNominated = nodeInfo.clone();
    const stateWithNominated = state.clone();
    for (const pi of nominated) {
      withNominated.addPodInfo(pi);
      const s = this.runPreFilterExtensionAddPod(stateWithNominated, pod, pi, withNominated);
      if (s) return s;
    }
    return this.runFilterPlugins(stateWithNominated, pod, withNominated) ?? this.runFilterPlugins(state, pod, nodeInfo);
  }

  /** Every Filter plugin in order; the first failure is the node's status. */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined {
    const plugins = this.activeFilters(state);
    for (let i = 0; i < plugins.length; i++) {
      const pl = plugins[i]!;
      const s = asStatus(pl.filter(state, pod, nodeInfo));
      if (s) {
        s.plugin ||= pl.name;
        return s.isRejected() ? s : wrapError(`running "${pl.name}" filter plugin`, s);
      }
    }
    return undefined;
  }

  /** PostFilter plugins until one succeeds (or returns an error); otherwise the last rejection. */
  async runPostFilterPlugins(state: CycleState, pod: Pod, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: Status }> {
    let last: Status = Status.unschedulable();
    for (const pl of this.built.points.postFilter as PostFilterPlugin[]) {
      const out = await pl.postFilter(state, pod, statuses);
      const s = asStatus(out.status);
      if (!s) return { result: out.result, status: Status.success().withPlugin(pl.name) };
      s.plugin ||= pl.name;
      if (!s.isRejected()) return { status: wrapError(`running PostFilter plugin "${pl.name}"`, s) };
      last = s;
    }
    return { status: last };
  }

  runPreScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | undefined {
    for (const pl of this.built.points.preScore as PreScorePlugin[]) {
      const s = asStatus(pl.preScore(state, pod, nodes));
      if (s?.isSkip()) {
        state.skipScorePlugins.add(pl.name);
        continue;
      }
      if (s) return wrapError(`running PreScore plugin "${pl.name}"`, s.withPlugin(pl.name));
    }
    return undefined;
  }

  /** Score, NormalizeScore, × weight (scores outside [0, 100] after normalizing are an error). */
  runScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): { scores: NodePluginScores[]; status?: Status } {
    const plugins = (this.built.points.score as ScorePlugin[]).filter((p) => !state.skipScorePlugins.has(p.name));
    const out: NodePluginScores[] = nodes.map((n) => ({ name: n.nodeName(), scores: [], totalScore: 0 }));
    // One list of NodeScores reused by every plugin of the cycle (each plugin's scores are copied out after normalizing).
    const list: NodeScore[] = nodes.map((n) => ({ name: n.nodeName(), score: 0 }));
    for (const pl of plugins) {
      for (let i = 0; i < nodes.length; i++) {
        const v = pl.score(state, pod, nodes[i]!);
        if (v instanceof Status) {
          if (v.isSuccess()) list[i]!.score = 0;
          else return { scores: [], status: wrapError(`running Score plugins: plugin "${pl.name}" failed`, v.withPlugin(pl.name)) };
        } else list[i]!.score = v;
      }
      const ext = pl.scoreExtensions?.();
      if (ext) {
        const s = asStatus(ext.normalizeScore(state, pod, list));
        if (s) return { scores: [], status: wrapError(`running Normalize on Score plugins: plugin "${pl.name}" failed`, s.withPlugin(pl.name)) };
      }
      const weight = this.built.weights.get(pl.name) ?? 1;
      for (let i = 0; i < list.length; i++) {
        const sc = list[i]!.score;
        if (sc > MaxNodeScore || sc < MinNodeScore) {
          return { scores: [], status: new Status(Code.Error, [`plugin "${pl.name}" returns an invalid score ${sc}, it should in the range of [${MinNodeScore}, ${MaxNodeScore}] after normalizing`]).withPlugin(pl.name) };
        }
        out[i]!.scores.push({ name: pl.name, score: sc * weight });
        out[i]!.totalScore += sc * weight;
      }
    }
    return { scores: out };
  }

  // ---- binding cycle (see BindingCycle) -------------------------------------------------------

  runReservePluginsReserve(state: CycleState, pod: Pod, nodeName: string): Promise<Status | undefined> {
    return this.binding.reserve(state, pod, nodeName);
  }

  /** Every Reserve plugin's unreserve, in reverse order (errors are logged, not returned). */
  runReservePluginsUnreserve(state: CycleState, pod: Pod, nodeName: string): Promise<void> {
    return this.binding.unreserve(state, pod, nodeName);
  }

  /** Permit plugins: a rejection ends it; Wait parks the pod (see waitOnPermit). */
  runPermitPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status | undefined> {
    return this.binding.permit(state, pod, nodeName);
  }

  /** Waits until a pod held at Permit is allowed (undefined) or rejected. */
  waitOnPermit(pod: Pod): Promise<Status | undefined> {
    return this.binding.waitOnPermit(pod);
  }

  runPreBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status | undefined> {
    return this.binding.preBind(state, pod, nodeName);
  }

  /** Bind plugins until one does not Skip. All skipping is a Skip status. */
  runBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status | undefined> {
    return this.binding.bind(state, pod, nodeName);
  }

  runPostBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<void> {
    return this.binding.postBind(state, pod, nodeName);
  }
}
