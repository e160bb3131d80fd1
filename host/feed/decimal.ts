/**
 * Integer ticks and lots shown as decimals, exactly: the point is placed by
 * string work, never by dividing floats (0.1 + 0.2 must not appear in a
 * report). Display only; allocates.
 */

/** `value` (a safe integer) with the point `decimals` places from the right: (10050, 2) -> "100.50". */
export function formatFixed(value: number, decimals: number): string {
  const negative = value < 0;
  const digits = String(Math.abs(value)).padStart(decimals + 1, "0");
  const whole = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${whole}` : whole;
}

/**
 * A price given in half ticks (a mid is (bid + ask) / 2): whole ticks keep
 * `decimals` places, a half tick shows one more, so 2 * 100.505 stays exact.
 */
export function formatHalfTicks(halfTicks: number, decimals: number): string {
  if (halfTicks % 2 === 0) return formatFixed(halfTicks / 2, decimals);
  return formatFixed(halfTicks * 5, decimals + 1);
}
