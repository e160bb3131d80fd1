/**
 * One clock for every thread of a live run: CLOCK_MONOTONIC, read through
 * process.hrtime (the same clock in every thread), so a publish time taken
 * on the feed thread can be compared with a time taken in a worker (each
 * thread's performance.now() has its own origin). Telemetry only: never on
 * a path that feeds a strategy or the audit log.
 *
 * The first version added performance.now() to performance.timeOrigin
 * (epoch milliseconds, ~1.8e12): a double that large has a 244 ns ulp, so
 * every latency the supervisor reported came in steps of 244 ns. Monotonic
 * milliseconds since boot (~1e7 for days of uptime) keep ~2 ps. The second
 * read performance.now() plus a calibrated offset; process.hrtime.bigint()
 * directly costs the same when hot and ~0.1 µs against ~0.3 µs when cold —
 * and the stage samples below are cold reads, on the tick-to-order path.
 */

/** CLOCK_MONOTONIC in nanoseconds (exact as a double for 104 days of uptime). */
export function monoNs(): number {
  return Number(process.hrtime.bigint());
}

export function wallMs(): number {
  return monoNs() / NS_PER_MS;
}

export const NS_PER_MS = 1e6;
