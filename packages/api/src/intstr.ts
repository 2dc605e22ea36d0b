/** intstr.IntOrString and the percentage scaling the workload controllers use. */
export type IntOrString = number | string;

export class IntOrStringError extends Error {
  override readonly name = 'IntOrStringError';
}

export function isPercent(v: IntOrString): v is string {
  return typeof v === 'string' && /^-?\d+%$/.test(v);
}

/** intstr.GetScaledValueFromIntOrPercent: ints as they are, "N%" of total, rounded up or down. */
export function getScaledValueFromIntOrPercent(v: IntOrString | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) throw new IntOrStringError('nil value for IntOrString');
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) throw new IntOrStringError(`invalid type: string is not a percentage`);
  const pct = Number(v.slice(0, -1));
  if (!/^-?\d+$/.test(v.slice(0, -1)) || !Number.isFinite(pct)) throw new IntOrStringError(`invalid value for IntOrString: invalid value "${v}"`);
  const scaled = (pct * total) / 100;
  // Integer arithmetic as Go's int(math.Ceil(float64(v) * float64(total) / 100)).
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** The int value, or the percent scaled against total (rounding as requested). */
export function getIntOrPercentValue(v: IntOrString): { value: number; percent: boolean } {
  if (typeof v === 'number') return { value: v, percent: false };
  if (isPercent(v)) return { value: Number(v.slice(0, -1)), percent: true };
  throw new IntOrStringError(`invalid value for IntOrString: "${v}"`);
}
