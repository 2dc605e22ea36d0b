import type { KubeObject, Pod } from '@keelson/api';

/** A pod with what the scheduler derives from it once (kube's PodInfo). */
export interface PodInfo {
  readonly pod: Pod;
  /** spec.affinity has podAffinity or podAntiAffinity terms. */
  readonly hasAffinity: boolean;
  readonly hasRequiredAntiAffinity: boolean;
}

export function newPodInfo(pod: Pod): PodInfo {
  const a = pod.spec?.affinity;
  const anti = !!a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length;
  const hasAffinity =
    !!a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ||
    !!a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ||
    anti ||
    !!a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length;
  return { pod, hasAffinity, hasRequiredAntiAffinity: anti };
}

/** A pod in the scheduling queue (kube's QueuedPodInfo). */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod was last added to the queue (ms, the Clock's). */
  timestamp: number;
  /** Scheduling attempts so far (incremented when popped). */
  attempts: number;
  /** When the pod was first added to the queue. */
  initialAttemptTimestamp?: number;
  /** Plugins that rejected the pod in its last attempt: only their events bring it back. */
  unschedulablePlugins: Set<string>;
  /** Plugins that left the pod pending (PreEnqueue, Permit). */
  pendingPlugins: Set<string>;
  /** The PreEnqueue plugin keeping the pod out of the active queue, if any (gated). */
  gatingPlugin?: string;
}

/** Pod ↔ key: namespace/name (as the informer's). */
export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
}

// ---- cluster events -----------------------------------------------------------------------

/** What happened to an object (kube's ActionType bit flags). */
export const ActionType = {
  Add: 1,
  Delete: 1 << 1,
  UpdateNodeAllocatable: 1 << 2,
  UpdateNodeLabel: 1 << 3,
  UpdateNodeTaint: 1 << 4,
  UpdateNodeCondition: 1 << 5,
  UpdateNodeAnnotation: 1 << 6,
  UpdatePodLabel: 1 << 7,
  UpdatePodScaleDown: 1 << 8,
  UpdatePodTolerations: 1 << 9,
  UpdatePodSchedulingGatesEliminated: 1 << 10,
  /** Any other update. */
  UpdateOther: 1 << 11,
  Update: (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11),
  All: (1 << 12) - 1,
} as const;

/**
 * Resources events are about: "Node", "Pod" (pods assigned to a node), "UnscheduledPod" (the
 * pod's own updates), "*" (any), or any other kind ("PersistentVolumeClaim", "ResourceClaim", ...).
 */
export type EventResource = 'Node' | 'Pod' | 'UnscheduledPod' | '*' | (string & {});

export interface ClusterEvent {
  resource: EventResource;
  /** ActionType bits. */
  actionType: number;
  /** For logs. */
  label?: string;
}

export const QueueingHint = { Skip: 0, Queue: 1 } as const;
export type QueueingHint = (typeof QueueingHint)[keyof typeof QueueingHint];

/** Decides whether an event may make a pod this plugin rejected schedulable (kube's QueueingHintFn). */
export type QueueingHintFn = (pod: Pod, oldObj: KubeObject | undefined, newObj: KubeObject | undefined) => QueueingHint;

export interface ClusterEventWithHint {
  event: ClusterEvent;
  /** Without one, every matching event requeues the pod. */
  queueingHintFn?: QueueingHintFn;
}

/** Does a registered event cover an incoming one? */
export function eventMatches(registered: ClusterEvent, incoming: ClusterEvent): boolean {
  if (incoming.resource === '*' && incoming.actionType === ActionType.All) return true;
  const resourceOk = registered.resource === '*' || registered.resource === incoming.resource;
  return resourceOk && (registered.actionType & incoming.actionType) !== 0;
}

/** Events the queue itself raises. */
export const Events = {
  NodeAdd: { resource: 'Node', actionType: ActionType.Add, label: 'NodeAdd' },
  NodeDelete: { resource: 'Node', actionType: ActionType.Delete, label: 'NodeDelete' },
  AssignedPodAdd: { resource: 'Pod', actionType: ActionType.Add, label: 'AssignedPodAdd' },
  AssignedPodUpdate: { resource: 'Pod', actionType: ActionType.UpdateOther, label: 'AssignedPodUpdate' },
  AssignedPodDelete: { resource: 'Pod', actionType: ActionType.Delete, label: 'AssignedPodDelete' },
  /** Pods that stayed unschedulable longer than podMaxInUnschedulablePodsDuration. */
  UnschedulableTimeout: { resource: '*', actionType: ActionType.All, label: 'UnschedulableTimeout' },
  /** Forced: every unschedulable pod moves. */
  WildCard: { resource: '*', actionType: ActionType.All, label: 'WildCardEvent' },
  /** A pod's binding failed and its resources were released. */
  ForceActivate: { resource: '*', actionType: ActionType.All, label: 'ForceActivate' },
} as const satisfies Record<string, ClusterEvent>;
