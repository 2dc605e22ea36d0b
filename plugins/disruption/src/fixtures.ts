/** Test fixtures shared by this plugin's tests (not exported from the package). */
import type { Pod, PodDisruptionBudget } from '@keelson/api';
import type { Client } from '@keelson/core';
import { rfc3339 } from '@keelson/core';

export const PodRef = { apiVersion: 'v1', kind: 'Pod' } as const;

/** A pod on node-1 with the given labels, optionally owned by a controller. */
export function pod(name: string, labels: Record<string, string>, owner?: { kind: string; apiVersion: string; name: string; uid: string }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels, ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}) },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
  };
}

export function pdb(name: string, spec: PodDisruptionBudget['spec']): PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec };
}

/** Writes the status a node agent would: Running, and Ready or not. */
export async function setRunning(client: Client, name: string, ready: boolean, now: number): Promise<Pod> {
  const p = await client.get<Pod>(PodRef, name, { namespace: 'default' });
  const t = rfc3339(now);
  p.status = { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: t }] };
  return client.updateStatus(p);
}
