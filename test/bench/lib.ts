/** One measured figure of a benchmark. */
export interface BenchFigure {
  /** What was measured, e.g. "memory store: create throughput". */
  name: string;
  value: number;
  /** "ops/s", "ms", "bytes/object", ... */
  unit: string;
  /** Conditions: sizes, counts, what "value" is (mean, p99, ...). */
  notes?: string;
}

/** A benchmark suite: `test/bench/<name>.bench.ts` default-exports one. */
export interface BenchSuite {
  name: string;
  run(): Promise<BenchFigure[]>;
}

export function defineBench(suite: BenchSuite): BenchSuite {
  return suite;
}

/** Percentile (0..100) of a list of numbers (nearest-rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
