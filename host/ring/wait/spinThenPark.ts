import { MAX_PARK_MS, type WaitStrategy } from "./waitStrategy.ts";

/**
 * Spin, then park (hybrid): polls `spins` times for sub-microsecond latency
 * under load, then sleeps in Atomics.wait so an idle consumer costs no CPU;
 * the first event after a quiet spell pays the ~6 µs wake-up.
 */
export class SpinThenParkWait implements WaitStrategy {
  readonly name = "hybrid";
  constructor(readonly spins = 20_000, readonly parkMs = MAX_PARK_MS) {
    if (!Number.isInteger(spins) || spins < 0) throw new RangeError(`SpinThenParkWait: spins=${spins} must be an integer >= 0`);
    if (!(parkMs > 0 && parkMs <= MAX_PARK_MS)) throw new RangeError(`SpinThenParkWait: parkMs=${parkMs} must be in (0, ${MAX_PARK_MS}]`);
  }

  idle(rounds: number, futex: Int32Array, index: number, observed: number, parkedIndex: number): void {
    if (rounds < this.spins) return;
    // Announce the park before re-checking, so a producer that publishes
    // after our check sees parked > 0 and notifies (no lost wake-up).
    Atomics.add(futex, parkedIndex, 1);
    Atomics.wait(futex, index, observed, this.parkMs);
    Atomics.sub(futex, parkedIndex, 1);
  }

  signal(futex: Int32Array, index: number, parkedIndex: number): void {
    if (Atomics.load(futex, parkedIndex) > 0) Atomics.notify(futex, index);
  }
}
