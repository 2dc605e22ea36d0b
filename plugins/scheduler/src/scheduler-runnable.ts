import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serviceToken } from '@keelson/api';
import type { RunContext, Runnable } from '@keelson/core';
import { type KubeSchedulerConfiguration, type PluginImporter, Scheduler, SchedulerRegistryToken } from '@keelson/scheduler';

/** Options of the "scheduler" plugin (keelson.yaml `plugins: [{name: scheduler, options: {...}}]`). */
export interface SchedulerPluginOptions {
  /** A KubeSchedulerConfiguration (object or YAML text). */
  config?: KubeSchedulerConfiguration | string;
  /** Path of a KubeSchedulerConfiguration YAML file (kube-scheduler's --config). */
  configFile?: string;
  /** Assumed pods expire this long after binding if never confirmed (ms; 0 = never). */
  assumedPodTtlMs?: number;
}

export const SchedulerOptionsToken = serviceToken<SchedulerPluginOptions>('scheduler.options');

/** Scheduler plugin packages named in the config are looked up from the working folder first (where `npm i` put them). */
export const importFromCwd: PluginImporter = async (spec) => {
  if (spec.startsWith('.') || spec.startsWith('/')) return import(pathToFileURL(join(process.cwd(), spec)).href);
  try {
    return await import(pathToFileURL(createRequire(join(process.cwd(), 'keelson.yaml')).resolve(spec)).href);
  } catch {
    return import(spec);
  }
};

/** The running scheduler, for tests and debugging (set while the runnable runs). */
export let currentScheduler: Scheduler | undefined;

/** Runs kube-scheduler's loop until the cluster stops. */
export const schedulerRunnable: Runnable = {
  name: 'scheduler',
  async start(ctx: RunContext) {
    const opts = ctx.get(SchedulerOptionsToken);
    const config = opts.configFile ? await readFile(opts.configFile, 'utf8') : opts.config;
    const scheduler = await Scheduler.create({
      client: ctx.client,
      clock: ctx.clock,
      informers: ctx.informers,
      registry: ctx.get(SchedulerRegistryToken),
      config,
      log: ctx.log,
      assumedPodTtlMs: opts.assumedPodTtlMs,
    });
    currentScheduler = scheduler;
    await scheduler.start();
    ctx.log.info('scheduler started', { profiles: [...scheduler.profiles.keys()] });
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await scheduler.stop();
    if (currentScheduler === scheduler) currentScheduler = undefined;
  },
};
