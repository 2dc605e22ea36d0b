/** Test fixtures shared by this plugin's tests (not exported from the package). */
import type { Pod, ReplicaSet } from '@keelson/api';
import { rfc3339 } from '@keelson/core';

export function newReplicaSet(name: string, replicas: number, labels: Record<string, string> = { app: name }, extra: Partial<NonNullable<ReplicaSet['spec']>> = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      ...extra,
    },
  };
}

/** A pod status as a node agent would write it: Running, Ready since `readySince` (ms), on a node. */
export function runningReady(readySince: number, restarts = 0): NonNullable<Pod['status']> {
  const t = rfc3339(readySince);
  return {
    phase: 'Running',
    conditions: [
      { type: 'Ready', status: 'True', lastTransitionTime: t },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
    ],
    containerStatuses: [{ name: 'web', ready: true, restartCount: restarts, image: 'nginx:1.27', imageID: '', state: { running: { startedAt: t } } }],
    startTime: t,
  };
}
