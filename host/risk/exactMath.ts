/**
 * Exact integer comparisons for the risk gate without BigInt (which would
 * allocate per call). Inputs are non-negative safe integers; products of two
 * of them can reach 2^106, far past the 2^53 where doubles stop being exact,
 * so a naive `qty * price > limit` can answer wrong near the limit.
 * None of these functions allocate or throw.
 */

const TWO_53 = 9007199254740992;

/**
 * sign(a/b - c/d) for safe integers a, c >= 0 and b, d >= 1, exactly.
 * Compares integer parts, then the fractional parts by comparing their
 * reciprocals (a continued-fraction walk, like Euclid's algorithm: the
 * denominators shrink every round, so it ends in O(log) rounds). Each step
 * only uses `%` (exact for doubles) and division of an exact multiple
 * (exact because the quotient is a representable integer).
 */
export function compareRatios(a: number, b: number, c: number, d: number): number {
  let sign = 1;
  for (;;) {
    const ra = a % b;
    const rc = c % d;
    const qa = (a - ra) / b;
    const qc = (c - rc) / d;
    if (qa !== qc) return qa > qc ? sign : -sign;
    if (ra === 0) return rc === 0 ? 0 : -sign;
    if (rc === 0) return sign;
    // ra/b > rc/d  <=>  b/ra < d/rc
    const nb = ra;
    const nd = rc;
    a = b;
    c = d;
    b = nb;
    d = nd;
    sign = -sign;
  }
}

/** sign(a*b - c*d) for non-negative safe integers, exactly. */
export function compareProducts(a: number, b: number, c: number, d: number): number {
  const p = a * b;
  const q = c * d;
  // Rounding is monotone and 2^53 is representable: a product whose double is
  // below 2^53 was exact, so the fast path is exact whenever it is taken.
  if (p < TWO_53 && q < TWO_53) return p > q ? 1 : p < q ? -1 : 0;
  if (a === 0 || b === 0) return c === 0 || d === 0 ? 0 : -1;
  if (c === 0 || d === 0) return 1;
  // a*b vs c*d  <=>  a/d vs c/b
  return compareRatios(a, d, c, b);
}
