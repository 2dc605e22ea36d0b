import type { Pod } from '@keelson/api';
import type { Client, Clock, EventRecorder, Logger, SharedInformerFactory } from '@keelson/core';
import type { CycleState } from './cycle-state.js';
import type { PodGroupIndex } from '../cache/pod-groups.js';
import type { NodeInfo } from './node-info.js';
import type { Status, StatusLike } from './status.js';
import type { ClusterEventWithHint, PodInfo, QueuedPodInfo } from './types.js';

/**
 * The extension points of kube-scheduler's framework. A plugin is an object with a `name` and any
 * of the methods below; the framework calls it at every point it implements (and the profile enables).
 * Filter, Score and the PreFilter/PreScore points are synchronous (they run for every node);
 * Reserve, Permit and the binding points may return promises.
 */
export interface Plugin {
  readonly name: string;
}

/** Orders the active queue: true when a comes before b (exactly one per profile). */
export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** Before a pod enters the active queue: anything but Success keeps it gated. */
export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): StatusLike;
}

/**
 * The cluster events that may make a pod this plugin rejected schedulable: the queue moves the
 * pod back to the active queue only on those (kube's EnqueueExtensions).
 */
export interface EnqueueExtensions {
  eventsToRegister(): ClusterEventWithHint[];
}

/** The nodes a PreFilter narrowed the cycle to (undefined: all nodes). */
export interface PreFilterResult {
  nodeNames?: ReadonlySet<string>;
}

/** Lets preemption simulate adding/removing pods on a node for the state a PreFilter computed. */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): StatusLike;
  removePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): StatusLike;
}

export type PreFilterReturn = StatusLike | { result?: PreFilterResult; status?: StatusLike };

export interface PreFilterPlugin extends Plugin {
  /** Skip: the plugin's Filter is not called this cycle. */
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterReturn;
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): StatusLike;
}

/** Why each node was turned down this cycle. */
export type NodeToStatus = ReadonlyMap<string, Status>;

export interface PostFilterResult {
  nominatedNodeName?: string;
}

/** Runs when no node fits (preemption): may nominate a node after making room. */
export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: Pod, filteredNodeStatus: NodeToStatus): Promise<{ result?: PostFilterResult; status: StatusLike }> | { result?: PostFilterResult; status: StatusLike };
}

export interface PreScorePlugin extends Plugin {
  /** Skip: the plugin's Score is not called this cycle. */
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): StatusLike;
}

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScoreExtensions {
  /** Rescales the plugin's scores in place to [0, MaxNodeScore]. */
  normalizeScore(state: CycleState, pod: Pod, scores: NodeScore[]): StatusLike;
}

export interface ScorePlugin extends Plugin {
  /** An integer score, or a Status for an error. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status;
  scoreExtensions?(): ScoreExtensions | undefined;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): StatusLike | Promise<StatusLike>;
  /** Undo reserve (called for every Reserve plugin, in reverse order, when the cycle fails later). */
  unreserve(state: CycleState, pod: Pod, nodeName: string): void | Promise<void>;
}

export interface PermitResult {
  status: StatusLike;
  /** With status Wait: how long to wait for an allow (kube caps it at 15 minutes). */
  timeoutMs?: number;
}

export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: Pod, nodeName: string): PermitResult | StatusLike | Promise<PermitResult | StatusLike>;
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Pod, nodeName: string): StatusLike | Promise<StatusLike>;
}

/** Binds the pod; Skip hands it to the next Bind plugin. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: Pod, nodeName: string): StatusLike | Promise<StatusLike>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: Pod, nodeName: string): void | Promise<void>;
}

/** A pod held at Permit. */
export interface WaitingPod {
  readonly pod: Pod;
  readonly nodeName: string;
  /** Plugins still to allow it. */
  pendingPlugins(): string[];
  allow(pluginName: string): void;
  reject(pluginName: string, message: string): void;
}

/** Nominated pods (preemption): pods expected on a node once victims are gone. */
export interface PodNominator {
  addNominatedPod(pod: PodInfo, nodeName: string): void;
  deleteNominatedPodIfExists(pod: Pod): void;
  nominatedPodsForNode(nodeName: string): PodInfo[];
  /** Any pod nominated anywhere (a quick check before looking per node). */
  hasNominatedPods(): boolean;
}

/** Read access to the cycle's snapshot of the cluster. */
export interface NodeInfoLister {
  list(): readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /** Nodes with at least one pod with (anti-)affinity terms. */
  havePodsWithAffinityList(): readonly NodeInfo[];
  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[];
  /** Alike pods and required anti-affinity terms grouped (see PodGroupIndex); absent in minimal listers. */
  podGroups?(): PodGroupIndex;
}

export interface SharedLister {
  nodeInfos(): NodeInfoLister;
}

/** What a plugin gets from the framework at creation (kube's framework.Handle). */
export interface Handle {
  readonly profileName: string;
  readonly client: Client;
  readonly clock: Clock;
  readonly informers: SharedInformerFactory;
  readonly log: Logger;
  /** The profile's event recorder (reporting component = the scheduler name). */
  eventRecorder(): EventRecorder;
  /** The snapshot of the current scheduling cycle. */
  snapshotSharedLister(): SharedLister;
  readonly nominator: PodNominator;
  getWaitingPod(uid: string): WaitingPod | undefined;
  iterateOverWaitingPods(fn: (wp: WaitingPod) => void): void;
  rejectWaitingPod(uid: string): boolean;
  /** The profile's Filter plugins on one node (preemption's what-if checks). */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined;
  /** The same with the pods nominated to the node (of at least the pod's priority) counted there too. */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | undefined;
  /** PreFilter plugins' AddPod / RemovePod extensions (plugins whose PreFilter was skipped are left out). */
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): Status | undefined;
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): Status | undefined;
}

/** Creates a plugin instance for a profile; `args` are the profile's pluginConfig args (merged over the defaults). */
export type PluginFactory = (args: any, handle: Handle) => Plugin | Promise<Plugin>;
