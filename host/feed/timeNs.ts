/**
 * Event time is i64 nanoseconds since the Unix epoch. Real timestamps are
 * about 1.8e18 ns, far above 2^53, so they cannot be joined into a JS
 * number without losing nanoseconds (int64.ts's readI64 returns NaN for
 * them). Hot paths compare and add the (hi, lo) words; only display code
 * here turns them into a BigInt.
 */

const TWO_32 = 4294967296;

/** Display only (allocates a BigInt). */
export function timeNsToBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
}

/** 2026-01-05T14:30:00.000000123Z style, nanosecond precision. Display only (allocates). */
export function timeNsToIso(lo: number, hi: number): string {
  const ns = timeNsToBigInt(lo, hi);
  const ms = ns / 1_000_000n;
  const subMs = ns % 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // ...T14:30:00.000Z
  return `${iso.slice(0, -1)}${subMs.toString().padStart(6, "0")}Z`;
}

/** Nanoseconds from (aLo, aHi) to (bLo, bHi) as a number (exact while below 2^53 ns, about 104 days). */
export function spanNs(aLo: number, aHi: number, bLo: number, bHi: number): number {
  return ((bHi | 0) - (aHi | 0)) * TWO_32 + ((bLo >>> 0) - (aLo >>> 0));
}
