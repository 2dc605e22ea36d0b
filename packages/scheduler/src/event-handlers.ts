import type { KubeObject, Node, Pod } from '@keelson/api';
import type { HandlerRegistration, SharedInformerFactory } from '@keelson/core';
import type { SchedulerCache } from './cache/cache.js';
import { ActionType, type ClusterEvent, Events } from './framework/types.js';
import type { SchedulingQueue } from './queue/scheduling-queue.js';

export const PodKindRef = { apiVersion: 'v1', kind: 'Pod' } as const;
export const NodeKindRef = { apiVersion: 'v1', kind: 'Node' } as const;

const json = (v: unknown) => JSON.stringify(v ?? null);

/** What changed on a node that may matter for scheduling (kube's nodeSchedulingPropertiesHaveChanged). */
export function nodeUpdateActions(oldNode: Node, newNode: Node): number {
  let a = 0;
  if (json(oldNode.status?.allocatable) !== json(newNode.status?.allocatable)) a |= ActionType.UpdateNodeAllocatable;
  if (json(oldNode.metadata.labels) !== json(newNode.metadata.labels)) a |= ActionType.UpdateNodeLabel;
  if (json(oldNode.spec?.taints) !== json(newNode.spec?.taints) || !!oldNode.spec?.unschedulable !== !!newNode.spec?.unschedulable) a |= ActionType.UpdateNodeTaint;
  const conds = (n: Node) => json((n.status?.conditions ?? []).map((c) => [c.type, c.status]));
  if (conds(oldNode) !== conds(newNode)) a |= ActionType.UpdateNodeCondition;
  if (json(oldNode.metadata.annotations) !== json(newNode.metadata.annotations)) a |= ActionType.UpdateNodeAnnotation;
  return a;
}

function assigned(pod: Pod): boolean {
  return !!pod.spec?.nodeName;
}

function terminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/**
 * Feeds the cache and the queue from the pod and node informers (kube's eventhandlers.go):
 * assigned pods go to the cache, unassigned pods of our profiles to the queue, nodes to the
 * cache; changes that may help unschedulable pods move them.
 */
export function addEventHandlers(deps: {
  informers: SharedInformerFactory;
  cache: SchedulerCache;
  queue: SchedulingQueue;
  responsibleFor: (pod: Pod) => boolean;
  /** An assumed pod was updated/deleted while being scheduled (for waiting pods). */
  onPodDeleted?: (pod: Pod) => void;
}): HandlerRegistration[] {
  const { cache, queue, responsibleFor } = deps;
  const move = (event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject) => queue.moveAllToActiveOrBackoffQueue(event, oldObj, newObj);
  const queued = (p: Pod) => !assigned(p) && !terminal(p) && responsibleFor(p);

  const addAssigned = (pod: Pod) => {
    cache.addPod(pod);
    move(Events.AssignedPodAdd, undefined, pod);
  };
  const deleteAssigned = (pod: Pod) => {
    cache.removePod(pod);
    deps.onPodDeleted?.(pod);
    move(Events.AssignedPodDelete, pod, undefined);
  };

  const pods = deps.informers.informerFor<Pod>(PodKindRef).addEventHandler({
    onAdd(pod) {
      if (assigned(pod)) {
        if (!terminal(pod)) addAssigned(pod);
      } else if (queued(pod)) queue.add(pod);
    },
    onUpdate(oldPod, newPod) {
      if (oldPod === newPod) return;
      const wasAssigned = assigned(oldPod);
      if (assigned(newPod)) {
        if (!wasAssigned) queue.delete(oldPod);
        if (terminal(newPod)) {
          // A finished pod frees its node's resources.
          if (cache.getPod(newPod)) deleteAssigned(newPod);
          return;
        }
        if (!wasAssigned || !cache.getPod(newPod) || cache.isAssumedPod(newPod)) addAssigned(newPod);
        else {
          cache.updatePod(oldPod, newPod);
          move({ ...Events.AssignedPodUpdate }, oldPod, newPod);
        }
        return;
      }
      if (queued(newPod)) {
        if (queued(oldPod)) queue.update(oldPod, newPod);
        else queue.add(newPod);
      } else if (queued(oldPod)) queue.delete(oldPod);
    },
    onDelete(pod) {
      if (assigned(pod)) {
        if (cache.getPod(pod)) deleteAssigned(pod);
      } else {
        queue.delete(pod);
        deps.onPodDeleted?.(pod);
      }
    },
  });

  const nodes = deps.informers.informerFor<Node>(NodeKindRef).addEventHandler({
    onAdd(node) {
      cache.addNode(node);
      move(Events.NodeAdd, undefined, node);
    },
    onUpdate(oldNode, newNode) {
      if (oldNode === newNode) return;
      cache.updateNode(oldNode, newNode);
      const actions = nodeUpdateActions(oldNode, newNode);
      if (actions) move({ resource: 'Node', actionType: actions, label: 'NodeUpdate' }, oldNode, newNode);
    },
    onDelete(node) {
      cache.removeNode(node);
    },
  });
  return [pods, nodes];
}
