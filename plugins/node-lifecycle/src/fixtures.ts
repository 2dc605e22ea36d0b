/** Test fixtures shared by this plugin's tests (not exported from the package). */
import { isNotFound, type Lease, type Node, type Pod } from '@keelson/api';
import { type Client, rfc3339, rfc3339Micro } from '@keelson/core';
import { LeaseKind, NodeKind, PodKind } from '@keelson/plugin-core';

export function newNode(name: string, now: number, labels: Record<string, string> = {}): Node {
  const t = rfc3339(now);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    spec: {},
    status: {
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t },
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: t, lastTransitionTime: t },
      ],
    },
  };
}

/** Creates a node with its status (the status subresource ignores status on create). */
export async function createNode(client: Client, name: string, now: number, labels: Record<string, string> = {}): Promise<Node> {
  const created = await client.create<Node>(newNode(name, now, labels));
  return client.updateStatus<Node>({ ...created, status: newNode(name, now).status });
}

/** Renews (or creates) the node's Lease in kube-node-lease, as a node agent does every 10 s. */
export async function renewLease(client: Client, name: string, now: number): Promise<void> {
  try {
    const lease = await client.get<Lease>(LeaseKind, name, { namespace: 'kube-node-lease' });
    await client.update<Lease>({ ...lease, spec: { ...lease.spec, renewTime: rfc3339Micro(now) } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await client.create<Lease>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: rfc3339Micro(now) },
    });
  }
}

export async function getNode(client: Client, name: string): Promise<Node> {
  return client.get<Node>(NodeKind, name);
}

/** A pod bound to a node, Running and Ready, with the given tolerations. */
export async function runningPod(client: Client, name: string, nodeName: string, now: number, tolerations?: NonNullable<Pod['spec']>['tolerations']): Promise<Pod> {
  const p = await client.create<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }], ...(tolerations ? { tolerations } : {}) },
  });
  const t = rfc3339(now);
  return client.updateStatus<Pod>({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } });
}

export async function podExists(client: Client, name: string): Promise<boolean> {
  try {
    const p = await client.get<Pod>(PodKind, name, { namespace: 'default' });
    return !p.metadata.deletionTimestamp;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
