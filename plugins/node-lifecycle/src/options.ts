import { serviceToken } from '@keelson/api';

/** kube-controller-manager's node lifecycle settings (its defaults). */
export interface NodeLifecycleOptions {
  /** --node-monitor-period: how often node health is checked (5 s). */
  nodeMonitorPeriodMs: number;
  /** --node-monitor-grace-period: silence before a node's conditions go Unknown (40 s). */
  nodeMonitorGracePeriodMs: number;
  /** --node-startup-grace-period: the same for a node that never posted Ready (60 s). */
  nodeStartupGracePeriodMs: number;
  /** --node-eviction-rate: taints per second per healthy zone (0.1). */
  evictionLimiterQPS: number;
  /** --secondary-node-eviction-rate: per partially disrupted large zone (0.01). */
  secondaryEvictionLimiterQPS: number;
  /** --large-cluster-size-threshold (50). */
  largeClusterThreshold: number;
  /** --unhealthy-zone-threshold (0.55). */
  unhealthyZoneThreshold: number;
  /** nodeEvictionPeriod: how often the NoExecute tainting queues are worked (100 ms). */
  nodeEvictionPeriodMs: number;
}

export const defaultNodeLifecycleOptions: NodeLifecycleOptions = {
  nodeMonitorPeriodMs: 5_000,
  nodeMonitorGracePeriodMs: 40_000,
  nodeStartupGracePeriodMs: 60_000,
  evictionLimiterQPS: 0.1,
  secondaryEvictionLimiterQPS: 0.01,
  largeClusterThreshold: 50,
  unhealthyZoneThreshold: 0.55,
  nodeEvictionPeriodMs: 100,
};


/** The node lifecycle settings of this cluster (keelson.yaml `plugins[].options` of node-lifecycle). */
export const NodeLifecycleOptionsToken = serviceToken<NodeLifecycleOptions>('node-lifecycle.options');

export class NodeLifecycleOptionsError extends Error {
  override readonly name = 'NodeLifecycleOptionsError';
}

/** Reads plugin options: any NodeLifecycleOptions key with a non-negative number; anything else is an error. */
export function parseNodeLifecycleOptions(raw: Readonly<Record<string, unknown>>): NodeLifecycleOptions {
  const out: NodeLifecycleOptions = { ...defaultNodeLifecycleOptions };
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in defaultNodeLifecycleOptions)) {
      throw new NodeLifecycleOptionsError(`node-lifecycle: unknown option "${k}" (known: ${Object.keys(defaultNodeLifecycleOptions).join(', ')})`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new NodeLifecycleOptionsError(`node-lifecycle: option "${k}" must be a non-negative number, got ${JSON.stringify(v)}`);
    out[k as keyof NodeLifecycleOptions] = v;
  }
  if (out.nodeMonitorPeriodMs <= 0 || out.nodeEvictionPeriodMs <= 0) throw new NodeLifecycleOptionsError('node-lifecycle: nodeMonitorPeriodMs and nodeEvictionPeriodMs must be positive');
  return out;
}
