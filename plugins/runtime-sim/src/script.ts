/**
 * The small languages of the simulated runtime's annotations: durations ("250ms", "2s",
 * "1m30s", a bare number = seconds), timed result scripts ("fail 10s, ok") and hook specs
 * ("ok 2s", "fail").
 */

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration; undefined when it does not parse. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m.index !== consumed) return undefined;
    total += Number(m[1]) * unitMs[m[2]!]!;
    consumed = m.index + m[0].length;
  }
  return consumed === t.length && consumed > 0 ? Math.round(total) : undefined;
}

export type StepResult = 'ok' | 'fail' | 'timeout';

export interface ScriptStep {
  result: StepResult;
  /** How long this step lasts (ms); undefined = for ever (only the last step). */
  forMs?: number;
}

function isResult(s: string): s is StepResult {
  return s === 'ok' || s === 'fail' || s === 'timeout';
}

/**
 * "fail 10s, ok" → fail for the first 10 s of the container's life, then ok for ever.
 * Unparsable scripts throw (surfaced as probe errors, so a typo is visible).
 */
export function parseScript(text: string): ScriptStep[] {
  const steps = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part): ScriptStep => {
      const [word, dur, extra] = part.split(/\s+/);
      const result = (word ?? '').toLowerCase();
      if (!isResult(result) || extra !== undefined) throw new Error(`invalid script step "${part}" (expected "ok|fail|timeout [duration]")`);
      if (dur === undefined) return { result };
      const ms = parseDuration(dur);
      if (ms === undefined) throw new Error(`invalid duration "${dur}" in "${part}"`);
      return { result, forMs: ms };
    });
  if (steps.length === 0) throw new Error('empty script');
  return steps;
}

/** The script's result `elapsedMs` after the start; the last step lasts for ever. */
export function scriptAt(steps: ScriptStep[], elapsedMs: number): StepResult {
  let t = 0;
  for (const s of steps) {
    if (s.forMs === undefined) return s.result;
    t += s.forMs;
    if (elapsedMs < t) return s.result;
  }
  return steps[steps.length - 1]!.result;
}

/** A hook spec: "ok", "fail", "ok 2s" (takes 2 s), "fail 500ms". */
export function parseHook(text: string): { ok: boolean; durationMs: number } {
  const [word, dur, extra] = text.trim().split(/\s+/);
  const w = (word ?? '').toLowerCase();
  if ((w !== 'ok' && w !== 'fail') || extra !== undefined) throw new Error(`invalid hook spec "${text}" (expected "ok|fail [duration]")`);
  const ms = dur === undefined ? 0 : parseDuration(dur);
  if (ms === undefined) throw new Error(`invalid duration "${dur}" in "${text}"`);
  return { ok: w === 'ok', durationMs: ms };
}

/** "1,1,0": the value for attempt n (0-based); the last one repeats. */
export function perAttempt(text: string, attempt: number): string {
  const parts = text.split(',').map((s) => s.trim());
  return parts[Math.min(attempt, parts.length - 1)]!;
}
