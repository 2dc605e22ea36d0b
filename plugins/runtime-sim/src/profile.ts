import { parseDuration } from './script.js';

/**
 * The simulated runtime's profile: defaults for every pod on the node (the kubelet plugin's
 * `runtimeOptions`). Per-pod annotations win over it.
 */
export interface SimProfileOptions {
  /** Time from "start container" to running (default "100ms"). */
  startDelay?: string;
  /** Time an image pull takes (default "0s"). */
  pullDelay?: string;
  /** Time a container takes to exit after SIGTERM (default "0s"). */
  stopDelay?: string;
  /** Images whose pulls fail (as `sim.keelson.dev/image-pull: fail`). */
  failImages?: string[];
  /** Images already on the node (IfNotPresent / Never find them). */
  presentImages?: string[];
  /** Usage figures stats() reports when a pod names none (default "1m" and "8Mi"). */
  cpuUsage?: string;
  memoryUsage?: string;
  /** Default values of any `sim.keelson.dev/<key>` annotation, keyed without the prefix. */
  annotations?: Record<string, string>;
}

export interface SimProfile {
  startDelayMs: number;
  pullDelayMs: number;
  stopDelayMs: number;
  failImages: string[];
  presentImages: string[];
  cpuUsage: string;
  memoryUsage: string;
  annotations: Record<string, string>;
}

function duration(name: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  const ms = typeof v === 'number' ? v * 1000 : parseDuration(String(v));
  if (ms === undefined) throw new Error(`runtime-sim: invalid duration for ${name}: "${String(v)}"`);
  return ms;
}

export function resolveProfile(options: Record<string, unknown> = {}): SimProfile {
  const o = options as SimProfileOptions;
  return {
    startDelayMs: duration('startDelay', o.startDelay, 100),
    pullDelayMs: duration('pullDelay', o.pullDelay, 0),
    stopDelayMs: duration('stopDelay', o.stopDelay, 0),
    failImages: [...(o.failImages ?? [])],
    presentImages: [...(o.presentImages ?? ['registry.k8s.io/pause:3.10'])],
    cpuUsage: o.cpuUsage ?? '1m',
    memoryUsage: o.memoryUsage ?? '8Mi',
    annotations: { ...(o.annotations ?? {}) },
  };
}
