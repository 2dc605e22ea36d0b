import type { Node, Pod, Taint } from '@keelson/api';

let uid = 0;

/** A pod for tests (kube's st.MakePod, briefly). */
export function makePod(name: string, opts: { ns?: string; node?: string; priority?: number; requests?: Record<string, string>[]; scheduler?: string; labels?: Record<string, string>; spec?: Partial<NonNullable<Pod['spec']>> } = {}): Pod {
  const containers = (opts.requests ?? [{}]).map((r, i) => ({ name: `c${i}`, image: 'pause', resources: { requests: r } }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.ns ?? 'default', uid: `uid-${name}-${++uid}`, labels: opts.labels },
    spec: { containers, nodeName: opts.node, priority: opts.priority ?? 0, schedulerName: opts.scheduler ?? 'default-scheduler', ...opts.spec },
  };
}

/** A node for tests (kube's st.MakeNode): allocatable = capacity. */
export function makeNode(name: string, opts: { capacity?: Record<string, string>; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean } = {}): Node {
  const capacity = { pods: '110', ...opts.capacity };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-node-${name}`, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
    spec: { taints: opts.taints, unschedulable: opts.unschedulable },
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}
