import { setFlagsFromString } from 'node:v8';
import { InvalidArgumentError } from 'commander';

/**
 * How much V8's old generation may grow past what the last full collection kept, in percent: the
 * equivalent of Go's GOGC (kube's components run with its default, 100: the heap may double).
 * V8 on its own picks a factor between 1.1 and 4 from how fast the program allocates, which lets
 * a control plane under a burst of writes hold up to four times its live objects. Keelson's
 * default, 50, trades more frequent full collections for a resident set about 1.5 times the
 * live objects (bench:deployments: 260–264 MiB, against 284–292 MiB at 100 and 335 MiB with V8's
 * own factor). 0 leaves V8's own choice.
 */
export const DEFAULT_HEAP_GROWTH_PERCENT = 50;

export function parseHeapGrowth(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new InvalidArgumentError('must be a whole number of percent, 0 to 1000');
  return n;
}

/** Whether node was started with V8's --heap-growing-percent (NODE_OPTIONS may not carry it): that choice stands. */
function setByNodeFlags(): boolean {
  return process.execArgv.some((f) => /^--heap[-_]growing[-_]percent\b/.test(f));
}

/**
 * Applies the growth to this process. V8 reads the flag at every full collection, so setting it
 * at run time takes effect from the next one. Returns what applies ('node flags' when the
 * process's own V8 flags chose).
 */
export function applyHeapGrowth(percent: number | undefined): number | 'node flags' {
  if (percent === undefined && setByNodeFlags()) return 'node flags';
  const p = percent ?? DEFAULT_HEAP_GROWTH_PERCENT;
  setFlagsFromString(`--heap-growing-percent=${p}`);
  return p;
}
