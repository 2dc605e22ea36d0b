import { serviceToken, type Taint } from '@keelson/api';

/** Options of the "kubelet" plugin (keelson.yaml `plugins: [{name: kubelet, options: {...}}]`). */
export interface KubeletPluginOptions {
  /** How many simulated nodes to run in this process (default 3). */
  nodes?: number;
  /** Node names are <namePrefix><n>, n from 1 (default "node"). */
  namePrefix?: string;
  /** The runtime by name, as contributed to `runtimes` (default "sim"). */
  runtime?: string;
  /** Options handed to the runtime (for "sim": its profile). */
  runtimeOptions?: Record<string, unknown>;
  /** Node capacity (cpu, memory, pods, ephemeral-storage). */
  capacity?: Record<string, string>;
  /** Extra labels on every node. */
  labels?: Record<string, string>;
  /** node-role.kubernetes.io/<role> labels on every node. */
  roles?: string[];
  taints?: Taint[];
  /** Node InternalIPs come from here (default 127.1.0.0/16). */
  nodeCIDR?: string;
  /** Pod CIDRs are carved from here (default 127.244.0.0/16) ... */
  clusterCIDR?: string;
  /** ... one /nodeCIDRMaskSize per node (default 24). */
  nodeCIDRMaskSize?: number;
  /** Record core/v1 Events (default true). */
  events?: boolean;
  /** Lease duration in seconds (default 40; renewed every quarter of it). */
  leaseDurationSeconds?: number;
}

export const KubeletOptionsToken = serviceToken<KubeletPluginOptions>('kubelet.options');

export class KubeletOptionsError extends Error {
  override readonly name = 'KubeletOptionsError';
}

/** Validates the plugin's options early (a typo must not start a cluster with no nodes). */
export function validateOptions(raw: Readonly<Record<string, unknown>>): KubeletPluginOptions {
  const o = raw as KubeletPluginOptions;
  if (o.nodes !== undefined && (!Number.isInteger(o.nodes) || o.nodes < 0)) throw new KubeletOptionsError(`kubelet: "nodes" must be a whole number >= 0, got ${JSON.stringify(o.nodes)}`);
  if (o.namePrefix !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$|^[a-z]$/.test(o.namePrefix)) {
    throw new KubeletOptionsError(`kubelet: "namePrefix" must be a DNS-1123 subdomain prefix, got ${JSON.stringify(o.namePrefix)}`);
  }
  if (o.runtime !== undefined && typeof o.runtime !== 'string') throw new KubeletOptionsError('kubelet: "runtime" must be a runtime name');
  return o;
}
