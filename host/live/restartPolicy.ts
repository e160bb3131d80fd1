/**
 * What the supervisor does with a worker slot whose thread died (terminated
 * by the wall-clock watchdog, crashed, exited without its final report). A
 * policy value checked once, at the boundary, with name=value messages.
 *
 *   none   the slot stays down; its strategies keep their disconnect or
 *          watchdog fault (the default, and the only behaviour before).
 *   fresh  after a backoff a replacement worker starts FRESH instances of the
 *          slot's strategies: module instantiated again, rf_start runs
 *          again, every bit of guest state (indicators, timers, the
 *          simulated account) is lost. At most maxRestarts per slot.
 *
 * A strategy's own fault (out of fuel, trap, bad host call, ...) is never
 * restarted: it is deterministic, quarantined inside its worker, and a fresh
 * instance fed the same kind of events would fault again.
 */
export const RESTART_POLICIES = ["none", "fresh"] as const;
export type RestartPolicyName = (typeof RESTART_POLICIES)[number];

export interface RestartPolicy {
  readonly policy: RestartPolicyName;
  /** Replacements per worker slot over the whole run (0..MAX_RESTARTS). */
  readonly maxRestarts: number;
  /** Wait before the first replacement of a slot; doubles for each further one (capped). */
  readonly backoffMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { policy: "none", maxRestarts: 3, backoffMs: 100 };

export const MAX_RESTARTS = 1000;
export const MAX_RESTART_BACKOFF_MS = 3_600_000;
/**
 * Doubling stops here (unless backoffMs itself is larger): a slot that keeps
 * dying is retried at most every 30 s rather than after hours.
 */
export const RESTART_BACKOFF_CAP_MS = 30_000;

/** Fills in defaults and checks every field; misuse throws RangeError naming the field. */
export function restartPolicy(o: Partial<RestartPolicy> = {}): RestartPolicy {
  const p = { ...DEFAULT_RESTART_POLICY, ...o };
  if (!RESTART_POLICIES.includes(p.policy)) throw new RangeError(`restart policy: policy=${String(p.policy)} must be one of ${RESTART_POLICIES.join("|")}`);
  if (!Number.isInteger(p.maxRestarts) || p.maxRestarts < 0 || p.maxRestarts > MAX_RESTARTS) {
    throw new RangeError(`restart policy: maxRestarts=${p.maxRestarts} must be an integer in 0..${MAX_RESTARTS}`);
  }
  if (!Number.isInteger(p.backoffMs) || p.backoffMs < 0 || p.backoffMs > MAX_RESTART_BACKOFF_MS) {
    throw new RangeError(`restart policy: backoffMs=${p.backoffMs} must be an integer in 0..${MAX_RESTART_BACKOFF_MS}`);
  }
  return Object.freeze(p);
}

/** Wall-clock wait before restart number `restart` (1-based) of one slot: backoffMs · 2^(restart-1), capped. */
export function restartDelayMs(p: RestartPolicy, restart: number): number {
  const cap = Math.max(p.backoffMs, RESTART_BACKOFF_CAP_MS);
  return Math.min(p.backoffMs * 2 ** Math.min(restart - 1, 30), cap);
}
