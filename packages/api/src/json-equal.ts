/**
 * Equality of two JSON values as their JSON texts would compare with object keys sorted
 * (JSON.stringify semantics: a property whose value is undefined is absent), without building
 * those texts: no allocation, and it stops at the first difference.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] ?? null, b[i] ?? null)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return jsonEqualExcept(a as Record<string, unknown>, b as Record<string, unknown>, none);
}

const none: readonly string[] = [];

/** jsonEqual of two JSON objects, ignoring the properties named in `omit`. */
export function jsonEqualExcept(a: Record<string, unknown>, b: Record<string, unknown>, omit: readonly string[]): boolean {
  let count = 0;
  for (const k in a) {
    const v = a[k];
    if (v === undefined || omit.includes(k)) continue;
    count++;
    if (!jsonEqual(v, b[k])) return false;
  }
  for (const k in b) if (b[k] !== undefined && !omit.includes(k)) count--;
  return count === 0;
}
