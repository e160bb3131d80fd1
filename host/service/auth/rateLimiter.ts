/**
 * Per-key rate limits: a token bucket per key id (or per client address
 * before authentication). A bucket holds up to `burst` tokens and refills at
 * `perSecond`; each request takes one. The clock is injected (wall time in
 * the server, a fake in tests). Buckets idle long enough to be full again
 * are dropped, so the map stays as small as the set of active keys.
 */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** Whole seconds until a token is available (for Retry-After), 0 when allowed. */
  readonly retryAfterS: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweepMs = 0;

  constructor(private readonly limit: RateLimit, private readonly nowMs: () => number) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError(`RateLimiter: perSecond=${limit.perSecond} must be > 0 and burst=${limit.burst} >= 1`);
  }

  take(id: string): RateDecision {
    const now = this.nowMs();
    this.sweep(now);
    let b = this.buckets.get(id);
    if (b === undefined) {
      b = { tokens: this.limit.burst, atMs: now };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.atMs) / 1000) * this.limit.perSecond);
      b.atMs = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfterS: 0 };
    }
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    const fullAfterMs = (this.limit.burst / this.limit.perSecond) * 1000;
    if (now - this.lastSweepMs < fullAfterMs) return;
    this.lastSweepMs = now;
    for (const [id, b] of this.buckets) if (now - b.atMs >= fullAfterMs) this.buckets.delete(id);
  }
}
