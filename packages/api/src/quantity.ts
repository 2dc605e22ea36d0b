/**
 * resource.Quantity as k8s.io/apimachinery/pkg/api/resource: exact fixed-point values (BigInt
 * with a decimal scale), the three formats, parsing with nano-precision rounding, and the
 * canonical string form ("1.5Gi" → "1536Mi", "0.1" → "100m", "1000m" → "1").
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export class QuantityParseError extends Error {
  override readonly name = 'QuantityParseError';
}

const quantityRegexp = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const reQuantity = new RegExp(quantityRegexp);

const binarySuffixes: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const decimalByExp = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExp = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

const TEN = 10n;
const pow10 = (n: number): bigint => TEN ** BigInt(n);

/** Divides toward zero, rounding away from zero when there is a remainder. */
function divRoundAway(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a < 0n ? q - 1n : q + 1n;
}

export class Quantity {
  /** value = unscaled × 10^-scale, scale in [0, 9]. */
  private constructor(
    private readonly unscaled: bigint,
    private readonly scale: number,
    readonly format: QuantityFormat,
  ) {}

  /** Parses a quantity string; throws QuantityParseError with Kubernetes' messages. */
  static parse(input: string): Quantity {
    const str = input.trim();
    if (str.length === 0) throw new QuantityParseError('quantities must match the regular expression ' + `'${quantityRegexp}'`);
    const m = reQuantity.exec(str);
    if (!m) throw new QuantityParseError(`quantities must match the regular expression '${quantityRegexp}'`);
    const num = m[1]!;
    const suffix = m[2]!;
    const nm = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(num);
    if (!nm || (nm[2] === '' && (nm[3] ?? '') === '')) throw new QuantityParseError('unable to parse numeric part of quantity');
    const negative = nm[1] === '-';
    const intPart = nm[2] ?? '';
    const frac = nm[3] ?? '';
    let unscaled = BigInt((intPart || '0') + frac);
    let scale = frac.length;
    if (negative) unscaled = -unscaled;

    let format: QuantityFormat;
    if (suffix in binarySuffixes) {
      format = 'BinarySI';
      unscaled *= 1n << BigInt(10 * binarySuffixes[suffix]!);
    } else if (suffix in decimalSuffixes) {
      format = 'DecimalSI';
      const e = decimalSuffixes[suffix]!;
      if (e >= 0) unscaled *= pow10(e);
      else scale += -e;
    } else if (/^[eE][-+]?\d+$/.test(suffix)) {
      format = 'DecimalExponent';
      const e = Number(suffix.slice(1));
      if (e >= 0) unscaled *= pow10(e);
      else scale += -e;
    } else {
      throw new QuantityParseError("unable to parse quantity's suffix");
    }
    // More precise than nano: round up (away from zero), as Kubernetes does.
    if (scale > 9) {
      unscaled = divRoundAway(unscaled, pow10(scale - 9));
      scale = 9;
    }
    return Quantity.normalized(unscaled, scale, format);
  }

  /** A quantity from milli-units (quantityFromMilli), DecimalSI. */
  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return Quantity.normalized(BigInt(milli), 3, format);
  }

  /** A quantity from an integer. */
  static fromInt(n: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return Quantity.normalized(BigInt(n), 0, format);
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, 0, format);
  }

  private static normalized(unscaled: bigint, scale: number, format: QuantityFormat): Quantity {
    while (scale > 0 && unscaled % TEN === 0n) {
      unscaled /= TEN;
      scale--;
    }
    return new Quantity(unscaled, scale, format);
  }

  /** this compared to other: -1, 0, 1. */
  cmp(other: Quantity): -1 | 0 | 1 {
    const s = Math.max(this.scale, other.scale);
    const a = this.unscaled * pow10(s - this.scale);
    const b = other.unscaled * pow10(s - other.scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  add(other: Quantity): Quantity {
    const s = Math.max(this.scale, other.scale);
    return Quantity.normalized(this.unscaled * pow10(s - this.scale) + other.unscaled * pow10(s - other.scale), s, this.isZero() ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    return this.add(other.neg());
  }

  neg(): Quantity {
    return new Quantity(-this.unscaled, this.scale, this.format);
  }

  /** Multiplies by an integer. */
  mul(n: number | bigint): Quantity {
    return Quantity.normalized(this.unscaled * BigInt(n), this.scale, this.format);
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  /** The value scaled to 10^scale units, rounded up (away from zero), as ScaledValue(). */
  scaledValueBig(scale: number): bigint {
    // value / 10^scale = unscaled × 10^-(this.scale + scale)
    const shift = this.scale + scale;
    if (shift <= 0) return this.unscaled * pow10(-shift);
    return divRoundAway(this.unscaled, pow10(shift));
  }

  scaledValue(scale: number): number {
    return Number(this.scaledValueBig(scale));
  }

  /** The value in units, rounded up (away from zero). */
  value(): number {
    return this.scaledValue(0);
  }

  /** The value in milli-units, rounded up (away from zero). */
  milliValue(): number {
    return this.scaledValue(-3);
  }

  asApproximateFloat64(): number {
    return Number(this.unscaled) / 10 ** this.scale;
  }

  /** The canonical string form, exactly as Kubernetes prints it. */
  toString(): string {
    if (this.unscaled === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const inSmallRange = this.cmp(Quantity.fromInt(-1024)) > 0 && this.cmp(Quantity.fromInt(1024)) < 0;
      if (inSmallRange || this.scale !== 0) format = 'DecimalSI';
    }
    if (format === 'BinarySI') {
      let n = this.unscaled;
      let exp = 0;
      while (exp < 6 && n % 1024n === 0n) {
        n /= 1024n;
        exp++;
      }
      return `${n}${binaryByExp.get(exp) ?? ''}`;
    }
    // Decimal: remove factors of ten, then bring the exponent to a multiple of three.
    let n = this.unscaled;
    let exp = -this.scale;
    while (n % TEN === 0n) {
      n /= TEN;
      exp++;
    }
    const mod = ((exp % 3) + 3) % 3;
    if (mod === 1) {
      n *= 10n;
      exp -= 1;
    } else if (mod === 2) {
      n *= 100n;
      exp -= 2;
    }
    if (format === 'DecimalExponent') return exp === 0 ? `${n}` : `${n}e${exp}`;
    const suffix = decimalByExp.get(exp);
    return suffix !== undefined ? `${n}${suffix}` : `${n}e${exp}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

export function parseQuantity(s: string): Quantity {
  return Quantity.parse(s);
}

/** Parses, or returns undefined for an invalid quantity. */
export function tryParseQuantity(s: string | undefined): Quantity | undefined {
  if (s === undefined) return undefined;
  try {
    return Quantity.parse(s);
  } catch {
    return undefined;
  }
}

export function quantityFromMilli(milli: number | bigint): Quantity {
  return Quantity.fromMilli(milli);
}

export function quantityFromInt(n: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return Quantity.fromInt(n, format);
}
