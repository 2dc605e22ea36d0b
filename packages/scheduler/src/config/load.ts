import { parse } from 'yaml';
import { DefaultSchedulerName, type KubeSchedulerConfiguration, type KubeSchedulerProfile, SchedulerConfigApiVersion } from './types.js';

export class SchedulerConfigError extends Error {
  override readonly name = 'SchedulerConfigError';
}

/**
 * A KubeSchedulerConfiguration from YAML/JSON text or an object, with kube's defaults: one
 * "default-scheduler" profile when none is given, backoff 1 s → 10 s.
 */
export function loadSchedulerConfig(input: string | KubeSchedulerConfiguration | undefined): Required<Pick<KubeSchedulerConfiguration, 'podInitialBackoffSeconds' | 'podMaxBackoffSeconds' | 'percentageOfNodesToScore'>> & { profiles: (KubeSchedulerProfile & { schedulerName: string })[] } {
  let cfg: KubeSchedulerConfiguration;
  if (typeof input === 'string') {
    try {
      cfg = (parse(input) ?? {}) as KubeSchedulerConfiguration;
    } catch (err) {
      throw new SchedulerConfigError(`scheduler configuration: ${(err as Error).message}`);
    }
  } else cfg = input ?? {};
  if (typeof cfg !== 'object' || Array.isArray(cfg)) throw new SchedulerConfigError('scheduler configuration: expected a mapping');
  if (cfg.apiVersion && cfg.apiVersion !== SchedulerConfigApiVersion) {
    throw new SchedulerConfigError(`scheduler configuration: apiVersion "${cfg.apiVersion}" is not supported (use ${SchedulerConfigApiVersion})`);
  }
  if (cfg.kind && cfg.kind !== 'KubeSchedulerConfiguration') throw new SchedulerConfigError(`scheduler configuration: kind "${cfg.kind}" is not KubeSchedulerConfiguration`);
  const profiles = (cfg.profiles?.length ? cfg.profiles : [{}]).map((p: KubeSchedulerProfile) => ({ ...p, schedulerName: p.schedulerName || DefaultSchedulerName }));
  const names = new Set<string>();
  for (const p of profiles) {
    if (names.has(p.schedulerName)) throw new SchedulerConfigError(`profiles: Duplicate value: "${p.schedulerName}"`);
    names.add(p.schedulerName);
    const pct = p.percentageOfNodesToScore;
    if (pct !== undefined && (pct < 0 || pct > 100)) throw new SchedulerConfigError(`profiles[].percentageOfNodesToScore: Invalid value: ${pct}: not in valid range [0-100]`);
  }
  const pct = cfg.percentageOfNodesToScore ?? 0;
  if (pct < 0 || pct > 100) throw new SchedulerConfigError(`percentageOfNodesToScore: Invalid value: ${pct}: not in valid range [0-100]`);
  const initial = cfg.podInitialBackoffSeconds ?? 1;
  const max = cfg.podMaxBackoffSeconds ?? 10;
  if (initial <= 0) throw new SchedulerConfigError(`podInitialBackoffSeconds: Invalid value: ${initial}: must be greater than 0`);
  if (max < initial) throw new SchedulerConfigError(`podMaxBackoffSeconds: Invalid value: ${max}: must be greater than or equal to PodInitialBackoffSeconds`);
  return { percentageOfNodesToScore: pct, podInitialBackoffSeconds: initial, podMaxBackoffSeconds: max, profiles };
}
