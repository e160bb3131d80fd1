// Integer helpers for strategies: prices are integer ticks and quantities
// integer lots, so strategies need no floats (and floats would make results
// depend on rounding choices nobody reviews). No allocation.

/** floor(sqrt(v)) for v >= 0; 0 for v <= 0. */
export function isqrt(v: i64): i64 {
  if (v <= 0) return 0;
  // Newton's iteration from an upper bound converges monotonically downward.
  // Start from 2^ceil(bits/2) >= sqrt(v): ~6 steps for any i64, where
  // starting from v itself took one step per bit halved (~20 divisions for
  // a variance in 16-bit fixed point, most of mean-reversion's fuel).
  const bits = 64 - <i32>clz<u64>(<u64>v);
  let x: u64 = (<u64>1) << <u64>((bits + 1) >> 1);
  let y: u64 = (x + <u64>v / x) >> 1;
  while (y < x) {
    x = y;
    y = (x + <u64>v / x) >> 1;
  }
  return <i64>x;
}

/** v clamped to [lo, hi]. */
@inline export function clamp64(v: i64, lo: i64, hi: i64): i64 {
  return v < lo ? lo : v > hi ? hi : v;
}

/** |v| (i64.MIN_VALUE stays negative, as in two's complement). */
@inline export function abs64(v: i64): i64 {
  return v < 0 ? -v : v;
}

/**
 * One step of an exponential moving average in fixed point: `ema` and the
 * result carry `shift` fractional bits, `value` is an integer (ticks).
 * alpha = 2 / (period + 1). Seed the average with `value << shift`.
 * A period below 1 counts as 1 (alpha = 1: the average becomes the value),
 * so a bad config value never divides by zero (a trap, which would fault
 * the strategy) or makes the average diverge.
 */
@inline export function emaStep(ema: i64, value: i64, period: i64, shift: i32): i64 {
  const p = period < 1 ? 1 : period;
  return ema + (((value << shift) - ema) * 2) / (p + 1);
}
