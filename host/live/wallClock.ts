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

export const NS_PER_MS = 1e6;

/** CLOCK_MONOTONIC in nanoseconds (exact as a double for 104 days of uptime). */
export function monoNs(): number {
  return Number(process.hrtime.bigint());
}

export function wallMs(): number {
  return monoNs() / NS_PER_MS;
}

/**
 * How far this thread's performance.now() is behind CLOCK_MONOTONIC, in ms,
 * from the closest of a few back-to-back pairs of reads (error: the gap
 * between the two reads of the best pair, tens of ns).
 */
function perfToMonoMs(): number {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 16; i++) {
    const before = wallMs();
    const perf = performance.now();
    const after = wallMs();
    if (after - before < best) {
      best = after - before;
      offset = (before + after) / 2 - perf;
    }
  }
  return offset;
}

const PERF_TO_MONO_MS = perfToMonoMs();

/**
 * wallMs() for reads on every event (the feed's publish stamps, the order's
 * arrival): performance.now() plus this thread's offset, calibrated when
 * this module loads. process.hrtime.bigint() allocates a BigInt per read:
 * with it on the feed thread, slow tick-to-order samples came at a
 * 49-event period, and with this clock the period is gone (page faults
 * were counted and are not it; V8's allocation slow path is the likely
 * cause).
 * Differences of two hotWallMs() reads on one thread are exact; against a
 * wallMs() read on another thread they carry the calibration's error.
 */
export function hotWallMs(): number {
  return performance.now() + PERF_TO_MONO_MS;
}

