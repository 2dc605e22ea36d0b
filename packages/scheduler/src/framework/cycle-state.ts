/**
 * Data plugins share during one scheduling cycle of one pod (kube's CycleState): a PreFilter
 * writes under its key and its Filter reads it. Values that must survive preemption's
 * what-if simulations implement `clone()`.
 */
export interface StateData {
  clone(): StateData;
}

export class CycleState {
  private readonly data = new Map<string, StateData | unknown>();
  /** Plugins whose PreFilter returned Skip: their Filter is not called. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not called. */
  readonly skipScorePlugins = new Set<string>();
  /** Set by the framework when the cycle records per-plugin scores. */
  recordPluginMetrics = false;

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  /** Like read, but a missing key is an error (kube: "reading key from cycleState: not found"). */
  get<T>(key: string): T {
    if (!this.data.has(key)) throw new Error(`error reading "${key}" from cycleState: not found`);
    return this.data.get(key) as T;
  }

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  /** A copy for simulations: values with clone() are cloned, others shared. */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v && typeof (v as StateData).clone === 'function' ? (v as StateData).clone() : v);
    for (const p of this.skipFilterPlugins) c.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) c.skipScorePlugins.add(p);
    c.recordPluginMetrics = this.recordPluginMetrics;
    return c;
  }
}
