/** Field selectors as k8s.io/apimachinery/pkg/fields: "spec.nodeName=node1,status.phase!=Failed". */

export type FieldSelectorOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldSelectorOperator;
  value: string;
}

export interface FieldSelector {
  /** `get(field)` returns the object's value for a field, or undefined if the field is not selectable. */
  matches(get: (field: string) => string | undefined): boolean;
  empty(): boolean;
  requirements(): readonly FieldRequirement[];
  toString(): string;
}

export class FieldSelectorParseError extends Error {
  override readonly name = 'FieldSelectorParseError';
}

/** Escapes `\`, `,` and `=` in a value (fields.EscapeValue). */
export function escapeFieldValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

class RequirementsFieldSelector implements FieldSelector {
  constructor(private readonly reqs: FieldRequirement[]) {}
  matches(get: (field: string) => string | undefined): boolean {
    for (const r of this.reqs) {
      const v = get(r.field);
      if (r.operator === '!=' ? v === r.value : v !== r.value) return false;
    }
    return true;
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  requirements(): readonly FieldRequirement[] {
    return this.reqs;
  }
  toString(): string {
    return this.reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

/** Splits on unescaped separators and unescapes (fields.splitTerms / UnescapeValue rules). */
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else cur += c;
  }
  terms.push(cur);
  return terms;
}

function unescape(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\') {
      const n = v[i + 1];
      if (n === undefined || !['\\', ',', '='].includes(n)) throw new FieldSelectorParseError(`invalid field selector: invalid escape sequence in "${v}"`);
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw new FieldSelectorParseError(`invalid field selector: unescaped '${c}' in value "${v}"`);
    } else out += c;
  }
  return out;
}

/** Parses "a=b,c!=d"; the empty string selects everything. Throws FieldSelectorParseError. */
export function parseFieldSelector(s: string): FieldSelector {
  if (s.trim() === '') return new RequirementsFieldSelector([]);
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(s)) {
    if (term === '') continue;
    let m: RegExpExecArray | null = null;
    // The first unescaped operator splits field from value.
    for (let i = 0; i < term.length; i++) {
      const c = term[i]!;
      if (c === '\\') {
        i++;
        continue;
      }
      if (c === '!' && term[i + 1] === '=') {
        m = ['', term.slice(0, i), '!=', term.slice(i + 2)] as unknown as RegExpExecArray;
        break;
      }
      if (c === '=') {
        const op = term[i + 1] === '=' ? '==' : '=';
        m = ['', term.slice(0, i), op, term.slice(i + op.length)] as unknown as RegExpExecArray;
        break;
      }
    }
    if (!m) throw new FieldSelectorParseError(`invalid selector: '${s}'; can't understand '${term}'`);
    const field = m[1]!.trim();
    if (!field) throw new FieldSelectorParseError(`invalid selector: '${s}'; field name is empty in '${term}'`);
    reqs.push({ field, operator: m[2] as FieldSelectorOperator, value: unescape(m[3]!) });
  }
  return new RequirementsFieldSelector(reqs);
}

/** A selector with one term field=value. */
export function oneTermEqualSelector(field: string, value: string): FieldSelector {
  return new RequirementsFieldSelector([{ field, operator: '=', value }]);
}

export function fieldsSelectorFromSet(set: Record<string, string>): FieldSelector {
  return new RequirementsFieldSelector(Object.entries(set).map(([field, value]) => ({ field, operator: '=', value })));
}

/** The value of an exact-match term for field, if the selector has one. */
export function requiresExactMatch(sel: FieldSelector, field: string): string | undefined {
  for (const r of sel.requirements()) if (r.field === field && r.operator !== '!=') return r.value;
  return undefined;
}
