import { SYMBOL_BYTES } from "../abi/guestRecords.ts";

/**
 * One tradable instrument of a recording. Prices in the event stream are
 * integer ticks and quantities integer lots; the decimals say where the
 * point goes when a person reads them (priceDecimals 2: 10050 ticks = 100.50).
 */
export interface InstrumentSpec {
  /** Equal to the instrument's index in the recording header; the `instrument` field of an event. */
  id: number;
  /** Printable ASCII, 1..16 bytes (fits InstrumentInfo.symbol in the guest ABI). */
  symbol: string;
  priceDecimals: number;
  qtyDecimals: number;
}

/** Most instruments a recording may declare. */
export const MAX_INSTRUMENTS = 1024;
/** Most decimals a price or quantity may declare (10^9 ticks per unit). */
export const MAX_DECIMALS = 9;

const SYMBOL_RE = /^[\x21-\x7e]+$/;

/**
 * Returns why `list` is not a valid instrument table, or null when it is.
 * Used by the recording writer and reader so both hold the same rules.
 */
export function instrumentsProblem(list: unknown): string | null {
  if (!Array.isArray(list)) return "instruments must be an array";
  if (list.length < 1 || list.length > MAX_INSTRUMENTS) return `instruments must hold 1..${MAX_INSTRUMENTS} entries, got ${list.length}`;
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const spec = list[i] as Partial<InstrumentSpec> | null;
    if (spec === null || typeof spec !== "object") return `instruments[${i}] must be an object`;
    if (spec.id !== i) return `instruments[${i}].id must be ${i}, got ${String(spec.id)}`;
    const sym = spec.symbol;
    if (typeof sym !== "string" || sym.length < 1 || sym.length > SYMBOL_BYTES || !SYMBOL_RE.test(sym)) {
      return `instruments[${i}].symbol must be 1..${SYMBOL_BYTES} printable ASCII characters, got ${JSON.stringify(sym)}`;
    }
    if (seen.has(sym)) return `instruments[${i}].symbol '${sym}' is a duplicate`;
    seen.add(sym);
    for (const key of ["priceDecimals", "qtyDecimals"] as const) {
      const v = spec[key];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > MAX_DECIMALS) {
        return `instruments[${i}].${key} must be an integer 0..${MAX_DECIMALS}, got ${String(v)}`;
      }
    }
  }
  return null;
}
