/**
 * One wall clock for every thread of a live run: absolute milliseconds
 * (performance.timeOrigin + performance.now()), so a publish time taken on
 * the feed thread can be compared with a time taken in a worker (each
 * thread's performance.now() alone has its own origin). Telemetry only:
 * never on a path that feeds a strategy or the audit log.
 */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export const NS_PER_MS = 1e6;
