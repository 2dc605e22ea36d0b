import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseHeapGrowth } from './heap.js';

const run = promisify(execFile);
const heapModule = fileURLToPath(new URL('./heap.ts', import.meta.url));

/**
 * A child process applies the growth through applyHeapGrowth, keeps ~30 MiB live and churns
 * objects that live long enough to reach the old generation; it prints what it reports and the
 * largest heap V8 reserved meanwhile.
 */
async function peakHeapMiB(args: string[], nodeFlags: string[] = []): Promise<{ applied: string; peak: number }> {
  const script = `
    const { applyHeapGrowth } = await import(${JSON.stringify(heapModule)});
    const applied = applyHeapGrowth(${args.length ? Number(args[0]) : 'undefined'});
    const live = []; for (let i = 0; i < 100000; i++) live.push({ a: 'x'.repeat(100) + i, b: [i, i + 1], c: { d: i } });
    const ring = new Array(30000); let max = 0;
    for (let r = 0; r < 40; r++) { for (let i = 0; i < ring.length; i++) ring[i] = { a: 'y'.repeat(100) + i + r, b: [i], c: { d: r } }; max = Math.max(max, process.memoryUsage().heapTotal); }
    console.log(JSON.stringify({ applied: String(applied), peak: max / 1048576, live: live.length }));`;
  const { stdout } = await run(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '' } });
  return JSON.parse(stdout) as { applied: string; peak: number };
}

describe('heap growth', () => {
  it('parses whole percentages', () => {
    expect(parseHeapGrowth('100')).toBe(100);
    expect(parseHeapGrowth('0')).toBe(0);
    expect(() => parseHeapGrowth('-1')).toThrow(/whole number/);
    expect(() => parseHeapGrowth('1.5')).toThrow(/whole number/);
    expect(() => parseHeapGrowth('lots')).toThrow(/whole number/);
  });

  it("bounds the heap V8 reserves, set at run time (V8's own factor lets it grow much further)", async () => {
    const own = await peakHeapMiB(['0']);
    const bounded = await peakHeapMiB(['30']);
    const byDefault = await peakHeapMiB([]);
    expect(own.applied).toBe('0');
    expect(byDefault.applied).toBe('50');
    expect(bounded.peak).toBeLessThan(own.peak * 0.75);
    expect(byDefault.peak).toBeLessThan(own.peak);
  }, 60_000);

  it("leaves a growth chosen by the process's node flags alone", async () => {
    const r = await peakHeapMiB([], ['--heap-growing-percent=30']);
    expect(r.applied).toBe('node flags');
  }, 30_000);
});
