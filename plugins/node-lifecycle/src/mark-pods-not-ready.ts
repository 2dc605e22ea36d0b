import { isNotFound, type Pod } from '@keelson/api';
import { type Client, type EventRecorder, rfc3339 } from '@keelson/core';

const PodKindRef = { apiVersion: 'v1', kind: 'Pod' } as const;

/**
 * controllerutil.MarkPodsNotReady: the Ready condition of each pod on the node goes False (pods
 * without a Ready condition are left alone), with a NodeNotReady warning event on the pod. Every
 * pod is tried; the first error is thrown afterwards.
 */
export async function markPodsNotReady(client: Client, recorder: EventRecorder, pods: readonly Pod[], nodeName: string, now: number): Promise<void> {
  let failure: unknown;
  for (const p of pods) {
    if (p.spec?.nodeName !== nodeName) continue;
    const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') continue;
    const pod = structuredClone(p);
    const cond = pod.status!.conditions!.find((c) => c.type === 'Ready')!;
    cond.status = 'False';
    cond.lastTransitionTime = rfc3339(now);
    try {
      await client.updateStatus(pod, { kind: PodKindRef });
    } catch (err) {
      if (isNotFound(err)) continue;
      failure ??= err;
      continue;
    }
    recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
  }
  if (failure) throw failure;
}
