/**
 * Seeded randomness for tests. The seed comes from RINGFENCE_SEED when set
 * (to reproduce a failure), else from the clock — and is always printed.
 */
export function testSeed(label: string): number {
  const env = process.env.RINGFENCE_SEED;
  const seed = env !== undefined && /^\d+$/.test(env) ? Number(env) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
  console.log(`[seed] ${label}: RINGFENCE_SEED=${seed}`);
  return seed;
}

/** splitmix32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}
