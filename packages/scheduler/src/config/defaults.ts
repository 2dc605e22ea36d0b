import type { PluginConfig, Plugins } from './types.js';

/**
 * kube-scheduler's default plugins (v1: all through multiPoint, with the default score weights).
 * Plugins of this list that are not installed are left out of the default profile.
 */
export function defaultPlugins(): Plugins {
  return {
    multiPoint: {
      enabled: [
        { name: 'SchedulingGates' },
        { name: 'PrioritySort' },
        { name: 'NodeUnschedulable' },
        { name: 'NodeName' },
        { name: 'TaintToleration', weight: 3 },
        { name: 'NodeAffinity', weight: 2 },
        { name: 'NodePorts' },
        { name: 'NodeResourcesFit', weight: 1 },
        { name: 'VolumeRestrictions' },
        { name: 'NodeVolumeLimits' },
        { name: 'VolumeBinding' },
        { name: 'VolumeZone' },
        { name: 'PodTopologySpread', weight: 2 },
        { name: 'InterPodAffinity', weight: 2 },
        { name: 'DefaultPreemption' },
        { name: 'NodeResourcesBalancedAllocation', weight: 1 },
        { name: 'ImageLocality', weight: 1 },
        { name: 'DefaultBinder' },
      ],
    },
  };
}

export const defaultPluginNames = new Set(defaultPlugins().multiPoint!.enabled!.map((p) => p.name));

/** Default pluginConfig args come from each plugin's registration (defaultArgs). */
export type DefaultArgs = ReadonlyMap<string, PluginConfig['args']>;
