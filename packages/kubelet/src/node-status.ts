import type { Node, NodeCondition, NodeStatus, Taint } from '@keelson/api';
import { rfc3339 } from '@keelson/core';
import type { Runtime } from './runtime.js';

/** What the agent reports about its node (kubelet's nodestatus setters). */
export interface NodeDescription {
  name: string;
  internalIP: string;
  podCIDR?: string;
  capacity: Record<string, string>;
  /** Capacity minus system reservations (defaults to the capacity). */
  allocatable?: Record<string, string>;
  labels?: Record<string, string>;
  /** node-role.kubernetes.io/<role> labels ("control-plane", "worker", ...). */
  roles?: readonly string[];
  taints?: Taint[];
  architecture: string;
  kubeletVersion: string;
  osImage: string;
  kernelVersion: string;
  /** Stable per node: machineID / systemUUID / bootID. */
  machineID: string;
  bootID: string;
  /** The kubelet's port (daemonEndpoints); 10250 like kubelet. */
  kubeletPort: number;
}

/** The Node object the agent registers (kubelet's initialNode). */
export function initialNode(d: NodeDescription): Node {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': d.architecture,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': d.architecture,
    'kubernetes.io/hostname': d.name,
    'kubernetes.io/os': 'linux',
    ...d.labels,
  };
  for (const r of d.roles ?? []) labels[`node-role.kubernetes.io/${r}`] = '';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: d.name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec: {
      ...(d.podCIDR ? { podCIDR: d.podCIDR, podCIDRs: [d.podCIDR] } : {}),
      ...(d.taints?.length ? { taints: d.taints } : {}),
    },
  };
}

interface ConditionSpec {
  type: NodeCondition['type'];
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** The four conditions kubelet reports, in its order. */
function wantedConditions(): ConditionSpec[] {
  return [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  ];
}

/**
 * The node status the agent writes at `now`, on top of the current one: conditions keep their
 * lastTransitionTime unless their status changes, and every condition's lastHeartbeatTime is now
 * (kubelet refreshes heartbeats on each status report).
 */
export function buildNodeStatus(d: NodeDescription, runtime: Runtime, current: NodeStatus | undefined, now: number): NodeStatus {
  const stamp = rfc3339(now);
  const prev = new Map((current?.conditions ?? []).map((c) => [c.type, c]));
  const conditions: NodeCondition[] = wantedConditions().map((w) => {
    const old = prev.get(w.type);
    return {
      type: w.type,
      status: w.status,
      lastHeartbeatTime: stamp,
      lastTransitionTime: old && old.status === w.status && old.lastTransitionTime ? old.lastTransitionTime : stamp,
      reason: w.reason,
      message: w.message,
    };
  });
  // Conditions other agents own (NetworkUnavailable, ...) stay as they are.
  for (const c of current?.conditions ?? []) if (!conditions.some((x) => x.type === c.type)) conditions.push(c);
  const images = runtime
    .listImages()
    .slice()
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .slice(0, 50)
    .map((i) => ({ names: i.names, sizeBytes: i.sizeBytes }));
  return {
    capacity: { ...d.capacity },
    allocatable: { ...(d.allocatable ?? d.capacity) },
    conditions,
    addresses: [
      { type: 'InternalIP', address: d.internalIP },
      { type: 'Hostname', address: d.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: d.kubeletPort } },
    nodeInfo: {
      machineID: d.machineID,
      systemUUID: d.machineID,
      bootID: d.bootID,
      kernelVersion: d.kernelVersion,
      osImage: d.osImage,
      containerRuntimeVersion: `${runtime.name}://${runtime.version}`,
      kubeletVersion: d.kubeletVersion,
      kubeProxyVersion: d.kubeletVersion,
      operatingSystem: 'linux',
      architecture: d.architecture,
    },
    images,
  };
}

/** True when two statuses differ in more than heartbeat times (kubelet's nodeStatusHasChanged). */
export function nodeStatusChanged(a: NodeStatus | undefined, b: NodeStatus): boolean {
  const strip = (s: NodeStatus | undefined) =>
    JSON.stringify({ ...s, conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
  return strip(a) !== strip(b);
}
