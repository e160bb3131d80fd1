import { MAX_PARK_MS, type WaitStrategy } from "./waitStrategy.ts";

/**
 * Blocking: parks on the first empty poll. Cheapest on CPU, pays a futex
 * wake-up (~6 µs here) on every quiet-to-busy transition.
 */
export class BlockingWait implements WaitStrategy {
  readonly name = "block";
  constructor(readonly parkMs = MAX_PARK_MS) {
    if (!(parkMs > 0 && parkMs <= MAX_PARK_MS)) throw new RangeError(`BlockingWait: parkMs=${parkMs} must be in (0, ${MAX_PARK_MS}]`);
  }

  idle(_rounds: number, futex: Int32Array, index: number, observed: number, parkedIndex: number): void {
    Atomics.add(futex, parkedIndex, 1);
    Atomics.wait(futex, index, observed, this.parkMs);
    Atomics.sub(futex, parkedIndex, 1);
  }

  signal(futex: Int32Array, index: number, parkedIndex: number): void {
    if (Atomics.load(futex, parkedIndex) > 0) Atomics.notify(futex, index);
  }
}
