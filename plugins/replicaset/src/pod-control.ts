/**
 * Writes a replica controller makes to pods (kube's RealPodControl and the patches of
 * PodControllerRefManager): create from the template, delete, adopt and release, each with the
 * Event kube records.
 */
import { isNotFound, type KubeObject, type OwnerReference, type Pod, type PodTemplateSpec } from '@keelson/api';
import type { Client, EventRecorder } from '@keelson/core';
import { PodKind } from '@keelson/plugin-core';
import { podFromTemplate } from './template.js';

export class PodControl {
  constructor(
    private readonly client: Client,
    private readonly recorder: EventRecorder,
  ) {}

  /** Creates one pod from the template, owned by `owner` (events SuccessfulCreate / FailedCreate). */
  async createPod(namespace: string, template: PodTemplateSpec, owner: KubeObject, controllerRef: OwnerReference): Promise<Pod> {
    const pod = podFromTemplate(template, namespace, owner.metadata.name!, controllerRef);
    if (Object.keys(pod.metadata.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
    try {
      const created = await this.client.create<Pod>(pod, { namespace });
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      return created;
    } catch (err) {
      this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Deletes a pod (events SuccessfulDelete / FailedDelete; a pod already gone is not an event). */
  async deletePod(namespace: string, name: string, owner: KubeObject): Promise<void> {
    try {
      await this.client.delete(PodKind, name, { namespace });
      this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      if (!isNotFound(err)) this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw err;
    }
  }

  /**
   * Adds the controller reference to an orphan (strategic merge patch on ownerReferences by uid,
   * with the pod's uid as precondition, as kube's ownerRefControllerPatch).
   */
  async adoptPod(pod: Pod, controllerRef: OwnerReference): Promise<void> {
    await this.client.patch(PodKind, pod.metadata.name!, 'strategic', { metadata: { ownerReferences: [controllerRef], uid: pod.metadata.uid } }, { namespace: pod.metadata.namespace });
  }

  /** Removes the owner's reference from a pod it no longer selects (kube's deleteOwnerRefStrategicMergePatch). */
  async releasePod(pod: Pod, ownerUid: string): Promise<void> {
    await this.client.patch(PodKind, pod.metadata.name!, 'strategic', { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: pod.metadata.uid } }, { namespace: pod.metadata.namespace });
  }
}
