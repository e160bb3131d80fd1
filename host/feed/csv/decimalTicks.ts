/**
 * Decimal text → integer ticks or lots, exactly. The text is taken apart as
 * digits and the point is moved by string work, never through a float:
 * "0.29" at 2 decimals is 29 ticks, where parseFloat("0.29") * 100 is
 * 28.999999999999996. Allocates (strings); import is not a hot path.
 */

/** A decimal number as written, split into its digits. */
export interface ParsedDecimal {
  readonly negative: boolean;
  /** Integer-part digits without leading zeros ("" for 0). */
  readonly intDigits: string;
  /** Fraction digits without trailing zeros ("" for none): "100.50" → "5". */
  readonly fracDigits: string;
}

const SCIENTIFIC_RE = /^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;

/**
 * Parses `text` (already trimmed) as a plain decimal: optional sign, digits,
 * optional point and digits ("100", "-0.25", ".5", "100."). Returns a
 * problem string for anything else (empty, "1e5", "1,000", "NaN").
 * A hand-written scan: it runs for every price and size of a large file.
 */
export function parseDecimal(text: string): ParsedDecimal | string {
  const n = text.length;
  let i = 0;
  let negative = false;
  if (n > 0 && (text.charCodeAt(0) === 0x2b || text.charCodeAt(0) === 0x2d)) {
    negative = text.charCodeAt(0) === 0x2d;
    i = 1;
  }
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && text.charCodeAt(i) === 0x2e) {
    fracStart = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    fracEnd = i;
  }
  if (i !== n || (intEnd === intStart && fracEnd === fracStart)) {
    if (text === "") return "is empty";
    if (SCIENTIFIC_RE.test(text)) return `'${text}' is in scientific notation; write the decimal digits`;
    return `'${text}' is not a decimal number`;
  }
  let a = intStart;
  while (a < intEnd && text.charCodeAt(a) === 0x30) a++;
  let b = fracEnd;
  while (b > fracStart && text.charCodeAt(b - 1) === 0x30) b--;
  const intDigits = text.slice(a, intEnd);
  const fracDigits = text.slice(fracStart, b);
  return { negative: negative && (intDigits !== "" || fracDigits !== ""), intDigits, fracDigits };
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Significant decimal places: "100.50" → 1, "100" → 0, "0.001" → 3. */
export function decimalPlaces(d: ParsedDecimal): number {
  return d.fracDigits.length;
}

/**
 * `d` times 10^decimals as a safe integer, or a problem string when `d` has
 * more significant places than `decimals` or the result is beyond 2^53.
 */
export function decimalToUnits(d: ParsedDecimal, decimals: number): number | string {
  if (d.fracDigits.length > decimals) return `has ${d.fracDigits.length} decimals, more than ${decimals}`;
  const digits = (d.intDigits + d.fracDigits.padEnd(decimals, "0")).replace(/^0+/, "");
  if (digits === "") return 0;
  // 16 digits can exceed 2^53 (9007199254740992); more than 16 always does. Below 2^53 Number() is exact.
  if (digits.length > 16 || Number(digits) > Number.MAX_SAFE_INTEGER) return `is beyond 2^53 units at ${decimals} decimals`;
  const v = Number(digits);
  return d.negative ? -v : v;
}

/** Exact order of two decimals: negative, 0 or positive like a comparator. */
export function compareDecimals(a: ParsedDecimal, b: ParsedDecimal): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const sign = a.negative ? -1 : 1;
  if (a.intDigits.length !== b.intDigits.length) return sign * (a.intDigits.length - b.intDigits.length);
  if (a.intDigits !== b.intDigits) return sign * (a.intDigits < b.intDigits ? -1 : 1);
  const width = Math.max(a.fracDigits.length, b.fracDigits.length);
  const fa = a.fracDigits.padEnd(width, "0");
  const fb = b.fracDigits.padEnd(width, "0");
  return fa === fb ? 0 : sign * (fa < fb ? -1 : 1);
}
