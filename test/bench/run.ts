/**
 * Benchmark runner: `pnpm bench [suite...]` runs test/bench/<suite>.bench.ts (all by default),
 * writes bench-results/<suite>.json and bench-results/summary.json, and prints a short table.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFigure, BenchSuite } from './lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', '..', 'bench-results');
const wanted = process.argv.slice(2);

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();

const machine = {
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  gcExposed: typeof globalThis.gc === 'function',
};

mkdirSync(outDir, { recursive: true });
const summary: Record<string, BenchFigure[]> = {};
for (const f of files) {
  const suite = (await import(pathToFileURL(join(here, f)).href)).default as BenchSuite;
  process.stderr.write(`bench ${suite.name}...\n`);
  const started = Date.now();
  const figures = await suite.run();
  summary[suite.name] = figures;
  writeFileSync(
    join(outDir, `${suite.name}.json`),
    JSON.stringify({ suite: suite.name, at: new Date().toISOString(), seconds: (Date.now() - started) / 1000, machine, figures }, null, 2),
  );
}
writeFileSync(join(outDir, 'summary.json'), JSON.stringify({ at: new Date().toISOString(), machine, suites: summary }, null, 2));

const rows = Object.entries(summary).flatMap(([s, figs]) => figs.map((f) => [s, f.name, formatValue(f.value), f.unit, f.notes ?? '']));
const header = ['suite', 'figure', 'value', 'unit', 'notes'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(`\nresults: ${outDir}/summary.json`);

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(2);
}
