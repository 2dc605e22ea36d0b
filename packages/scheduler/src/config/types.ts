/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), the parts a Keelson scheduler reads.
 */
export interface PluginRef {
  name: string;
  /** Score weight (Score and MultiPoint). */
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  /** `{name: '*'}` disables every default plugin of this point. */
  disabled?: PluginRef[];
}

export const extensionPoints = [
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
] as const;
export type ExtensionPoint = (typeof extensionPoints)[number];

export type Plugins = { [P in ExtensionPoint | 'multiPoint']?: PluginSet };

export interface PluginConfig {
  name: string;
  args?: Record<string, unknown>;
}

export interface KubeSchedulerProfile {
  schedulerName?: string;
  /** Overrides the top-level percentageOfNodesToScore for this profile (0 = adaptive). */
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  /** 0 or unset: kube's adaptive default (50% − nodes/125, at least 5% and 100 nodes). */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: KubeSchedulerProfile[];
}

export const DefaultSchedulerName = 'default-scheduler';
export const SchedulerConfigApiVersion = 'kubescheduler.config.k8s.io/v1';
