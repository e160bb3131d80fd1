/**
 * One wall clock for every thread of a live run: absolute milliseconds
 * (performance.timeOrigin + performance.now()), so a publish time taken on
 * the feed thread can be compared with a time taken in a worker (each
 * thread's performance.now() alone has its own origin). Telemetry only:
 * never on a path that feeds a strategy or the audit log.
 */
const ORIGIN_MS = performance.timeOrigin;

export function wallMs(): number {
  return ORIGIN_MS + performance.now();
}

/**
 * Stage telemetry samples one in STAGE_SAMPLE_EVERY (a power of two): a
 * sample costs two clock reads and a histogram update, and sampling more
 * often showed in the tick-to-order p99 (measured: 1.4 µs → 3.2 µs at 1/16).
 */
export const STAGE_SAMPLE_MASK = 1023;

export const NS_PER_MS = 1e6;
