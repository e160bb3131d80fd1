/**
 * How a consumer waits for a producer (LMAX Disruptor's WaitStrategy). The
 * contract, shared by every implementation and checked by one contract test
 * (test/unit/ring/waitStrategy.contract.test.ts):
 *
 * - `idle(rounds, futex, index, observed)` is called by a consumer after
 *   `rounds` consecutive empty polls, while `futex[index]` was seen equal to
 *   `observed`. It returns when the consumer should poll again — possibly at
 *   once, never later than `maxParkMs` after a `signal`, and always eventually
 *   (a bounded park), so a missed wake-up costs latency, never liveness.
 * - `signal(futex, index, parkedIndex)` is called by the producer after it
 *   changed `futex[index]`; it wakes parked consumers. It never blocks and
 *   never allocates.
 */
export interface WaitStrategy {
  readonly name: string;
  idle(rounds: number, futex: Int32Array, index: number, observed: number, parkedIndex: number): void;
  signal(futex: Int32Array, index: number, parkedIndex: number): void;
}

/** Upper bound on any single park, so a lost wake-up only costs this much. */
export const MAX_PARK_MS = 50;
