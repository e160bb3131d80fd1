/**
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32: a small,
 * fast generator in 32-bit integer math, so a seed gives the same stream on
 * every platform and Node version (Math.random is neither seedable nor
 * specified). Not cryptographic. No method allocates.
 */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed` is any safe integer; both 32-bit halves feed the state. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed=${seed} must be a safe integer`);
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x85ebca6b);
    const next = (): number => {
      // splitmix32: spreads even a seed of 0 or 1 over all four state words.
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s3 = 1; // the one state xoshiro cannot leave
  }

  /** A generator with exactly this state (known-answer tests against the reference C code). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Xoshiro128 {
    const g = new Xoshiro128(0);
    g.s0 = s0 | 0;
    g.s1 = s1 | 0;
    g.s2 = s2 | 0;
    g.s3 = s3 | 0;
    return g;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /**
   * Uniform integer in [0, n) for 1 <= n <= 2^21. Multiply-and-shift keeps
   * it exact in doubles (u32 * 2^21 < 2^53) and the bias below 2^-11.
   */
  below(n: number): number {
    return Math.floor((this.nextU32() * n) / 4294967296);
  }

  /** True with probability ppm / 1_000_000. */
  chancePpm(ppm: number): boolean {
    return this.below(1_000_000) < ppm;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
