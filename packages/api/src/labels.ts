/**
 * Label selectors as k8s.io/apimachinery/pkg/labels (the string grammar, parsing, matching and
 * canonical printing) plus the metav1.LabelSelector helpers.
 */
import { isQualifiedName, isValidLabelValue } from './validation.js';

export type Labels = Readonly<Record<string, string>>;

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

/** metav1.LabelSelector: matchLabels AND matchExpressions. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** labels.Selector operators ('!' = does not exist). */
export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

export interface Selector {
  matches(labels: Labels | undefined): boolean;
  empty(): boolean;
  requirements(): readonly Requirement[];
  /** Canonical string form (sorted by key, as labels.Selector.String()). */
  toString(): string;
}

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

/** Builds a validated requirement (labels.NewRequirement). */
export function newRequirement(key: string, operator: SelectorOperator, values: string[] = []): Requirement {
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) throw new SelectorParseError(`key: Invalid value: "${key}": ${keyErrs.join('; ')}`);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) throw new SelectorParseError(`values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) throw new SelectorParseError(`values: Invalid value: ${JSON.stringify(values)}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) throw new SelectorParseError(`values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`);
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1 || !/^-?\d+$/.test(values[0]!)) {
        throw new SelectorParseError(`values: Invalid value: ${JSON.stringify(values)}: for 'Gt', 'Lt' operators, exactly one integer value is required`);
      }
      return { key, operator, values: [...values] };
  }
  for (const v of values) {
    const errs = isValidLabelValue(v);
    if (errs.length) throw new SelectorParseError(`values[0][${key}]: Invalid value: "${v}": ${errs.join('; ')}`);
  }
  return { key, operator, values: [...new Set(values)].sort() };
}

function requirementMatches(r: Requirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels![r.key]! : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(value!)) return false;
      const a = BigInt(value!);
      const b = BigInt(r.values[0]!);
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

class RequirementsSelector implements Selector {
  private readonly reqs: Requirement[];
  constructor(reqs: Requirement[]) {
    this.reqs = [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  matches(labels: Labels | undefined): boolean {
    for (const r of this.reqs) if (!requirementMatches(r, labels)) return false;
    return true;
  }
  empty(): boolean {
    return this.reqs.length === 0;
  }
  requirements(): readonly Requirement[] {
    return this.reqs;
  }
  toString(): string {
    return this.reqs.map(requirementString).join(',');
  }
}

const nothingSelector: Selector = {
  matches: () => false,
  empty: () => false,
  requirements: () => [],
  toString: () => '',
};

/** Matches every object. */
export function everything(): Selector {
  return new RequirementsSelector([]);
}

/** Matches no object. */
export function nothing(): Selector {
  return nothingSelector;
}

/** Equality requirements for every key of the set (labels.SelectorFromSet). */
export function selectorFromSet(set: Labels | undefined): Selector {
  return new RequirementsSelector(Object.entries(set ?? {}).map(([k, v]) => newRequirement(k, '=', [v])));
}

// ---- the string grammar ----------------------------------------------------------------

type Token =
  | { t: 'id'; v: string }
  | { t: 'op'; v: '=' | '==' | '!=' | '!' | '>' | '<' }
  | { t: 'in' | 'notin' | '(' | ')' | ',' | 'end' };

const special = new Set([' ', '\t', '\n', '\r', ',', '=', '!', '(', ')', '<', '>']);

function lex(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c });
      i++;
    } else if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = s.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        out.push({ t: 'op', v: two });
        i += 2;
      } else {
        out.push({ t: 'op', v: c as '=' | '!' | '<' | '>' });
        i++;
      }
    } else {
      let j = i;
      while (j < s.length && !special.has(s[j]!)) j++;
      const word = s.slice(i, j);
      out.push(word === 'in' ? { t: 'in' } : word === 'notin' ? { t: 'notin' } : { t: 'id', v: word });
      i = j;
    }
  }
  out.push({ t: 'end' });
  return out;
}

function describe(tok: Token): string {
  return tok.t === 'id' || tok.t === 'op' ? tok.v : tok.t === 'end' ? 'end of string' : tok.t;
}

/** Parses the string form ("app=web,tier in (a,b),!canary"); throws SelectorParseError. */
export function parseSelector(s: string): Selector {
  const toks = lex(s);
  let pos = 0;
  const peek = () => toks[pos]!;
  const next = () => toks[pos++]!;
  const reqs: Requirement[] = [];
  if (peek().t === 'end') return everything();
  for (;;) {
    reqs.push(parseRequirement());
    const t = next();
    if (t.t === 'end') break;
    if (t.t !== ',') throw new SelectorParseError(`found '${describe(t)}', expected: ',' or 'end of string'`);
    if (peek().t === 'end') throw new SelectorParseError(`found '${describe(peek())}', expected: identifier after ','`);
  }
  return new RequirementsSelector(reqs);

  function parseRequirement(): Requirement {
    let t = next();
    if (t.t === 'op' && t.v === '!') {
      const key = next();
      if (key.t !== 'id') throw new SelectorParseError(`found '${describe(key)}', expected: identifier after '!'`);
      return newRequirement(key.v, '!');
    }
    if (t.t !== 'id') throw new SelectorParseError(`found '${describe(t)}', expected: !, identifier, or 'end of string'`);
    const key = t.v;
    const op = peek();
    if (op.t === ',' || op.t === 'end') return newRequirement(key, 'exists');
    next();
    if (op.t === 'in' || op.t === 'notin') {
      t = next();
      if (t.t !== '(') throw new SelectorParseError(`found '${describe(t)}', expected: '('`);
      const values: string[] = [];
      if (peek().t === ')') {
        next();
        return newRequirement(key, op.t, ['']);
      }
      for (;;) {
        const v = next();
        if (v.t === 'id') values.push(v.v);
        else if (v.t === ',' || v.t === ')') {
          values.push('');
          pos--;
        } else throw new SelectorParseError(`found '${describe(v)}', expected: ',', ')' or identifier`);
        const sep = next();
        if (sep.t === ')') break;
        if (sep.t !== ',') throw new SelectorParseError(`found '${describe(sep)}', expected: ',' or ')'`);
      }
      return newRequirement(key, op.t, values);
    }
    if (op.t !== 'op' || op.v === '!') {
      throw new SelectorParseError(`found '${describe(op)}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    const vtok = peek();
    let value = '';
    if (vtok.t === 'id') {
      value = vtok.v;
      next();
    } else if (vtok.t === 'in' || vtok.t === 'notin') {
      value = vtok.t;
      next();
    } else if (vtok.t !== ',' && vtok.t !== 'end') {
      throw new SelectorParseError(`found '${describe(vtok)}', expected: identifier`);
    }
    const operator: SelectorOperator = op.v === '>' ? 'gt' : op.v === '<' ? 'lt' : op.v;
    return newRequirement(key, operator, [value]);
  }
}

// ---- metav1.LabelSelector ---------------------------------------------------------------

/** metav1.LabelSelectorAsSelector: undefined/null → nothing(), {} → everything(). */
export function labelSelectorAsSelector(ls: LabelSelector | undefined | null): Selector {
  if (!ls) return nothing();
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(newRequirement(k, '=', [v]));
  for (const e of ls.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In':
        reqs.push(newRequirement(e.key, 'in', e.values ?? []));
        break;
      case 'NotIn':
        reqs.push(newRequirement(e.key, 'notin', e.values ?? []));
        break;
      case 'Exists':
        reqs.push(newRequirement(e.key, 'exists', e.values ?? []));
        break;
      case 'DoesNotExist':
        reqs.push(newRequirement(e.key, '!', e.values ?? []));
        break;
      default:
        throw new SelectorParseError(`"${String(e.operator)}" is not a valid label selector operator`);
    }
  }
  return new RequirementsSelector(reqs);
}

/** metav1.FormatLabelSelector: "app=web,tier in (a,b)", "<none>" when empty. */
export function formatLabelSelector(ls: LabelSelector | undefined | null): string {
  let s: string;
  try {
    s = labelSelectorAsSelector(ls).toString();
  } catch (err) {
    return (err as Error).message;
  }
  return s === '' ? '<none>' : s;
}

export function labelSelectorToString(ls: LabelSelector | undefined | null): string {
  return labelSelectorAsSelector(ls).toString();
}

export function matchesLabelSelector(ls: LabelSelector | undefined | null, labels: Labels | undefined): boolean {
  return labelSelectorAsSelector(ls).matches(labels);
}
