import type { PluginDefinition } from '@keelson/api';
import { type Cluster, createCluster, createLogger, FakeClock, type LogLevel, MemoryStore, type Store } from '@keelson/core';
import corePlugin from '@keelson/plugin-core';

export interface TestClusterOptions {
  /** Plugins under test. The "core" plugin (Pod, Node, Namespace, ConfigMap, ...) is added unless listed or `withCore: false`. */
  plugins?: readonly PluginDefinition[];
  withCore?: boolean;
  /** Start time of the FakeClock (default 2025-01-01T00:00:00Z). */
  startTime?: number | Date;
  store?: Store;
  pluginOptions?: Record<string, Record<string, unknown>>;
  /** Log level (default: KEELSON_LOG_LEVEL, else "warn"). */
  logLevel?: LogLevel;
}

export interface TestCluster extends Cluster {
  readonly clock: FakeClock;
  /** Moves the FakeClock forward (firing due timers) and lets the cluster react. */
  advance(ms: number): Promise<void>;
  /**
   * Waits (in real time, up to timeoutMs) until `check` returns a truthy value or stops throwing;
   * returns that value. The FakeClock does not move: use it for reactions that need no time.
   */
  eventually<T>(check: () => T | Promise<T>, timeoutMs?: number): Promise<T>;
}

/**
 * An in-process cluster on a memory store and a FakeClock, started and synced: ready for a
 * test in milliseconds. Always `await cluster.stop()` (e.g. in afterEach).
 */
export async function startTestCluster(opts: TestClusterOptions = {}): Promise<TestCluster> {
  const clock = new FakeClock(opts.startTime);
  const given = opts.plugins ?? [];
  const plugins = opts.withCore === false || given.some((p) => p.name === 'core') ? [...given] : [corePlugin, ...given];
  const cluster = await createCluster({
    plugins,
    clock,
    store: opts.store ?? new MemoryStore({ clock }),
    pluginOptions: opts.pluginOptions,
    logger: createLogger({ level: opts.logLevel ?? (process.env.KEELSON_LOG_LEVEL as LogLevel | undefined) ?? 'warn', name: 'test' }),
  });
  await cluster.start();
  return Object.assign(cluster, {
    clock,
    advance: (ms: number) => clock.advance(ms),
    eventually: <T>(check: () => T | Promise<T>, timeoutMs = 5000) => eventually(check, timeoutMs),
  });
}

/** Polls `check` in real time until it returns a truthy value without throwing. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = new Error(`condition returned ${String(v)}`);
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`eventually: not true after ${timeoutMs} ms: ${last instanceof Error ? last.message : String(last)}`, { cause: last });
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}
