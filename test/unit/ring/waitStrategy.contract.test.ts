// One contract, every wait strategy (Disruptor style): a consumer idling with
// the strategy always wakes after the producer changes the word and signals.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { WAIT_MODES, waitStrategy } from "../../../host/ring/wait/index.ts";
import { distPath } from "../../support/dist.ts";

describe.each(WAIT_MODES)("wait strategy contract: %s", (mode) => {
  it("wakes a waiting consumer after signal, and returns promptly when the value already changed", async () => {
    const sab = new SharedArrayBuffer(16);
    const futex = new Int32Array(sab);
    const worker = new Worker(distPath("test/waitContract.worker.mjs"), { workerData: { sab, mode } });
    try {
      while (Atomics.load(futex, 3) === 0) await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => setTimeout(r, 20)); // let it reach idle()/park
      Atomics.store(futex, 0, 42);
      waitStrategy(mode).signal(futex, 0, 1);
      const exit = new Promise<number>((resolve) => worker.once("exit", resolve));
      expect(await exit).toBe(0);
      expect(Atomics.load(futex, 2)).toBe(42);
      expect(Atomics.load(futex, 1)).toBe(0); // nobody left parked
    } finally {
      await worker.terminate();
    }
  });

  it("idle on an already-changed value never parks past MAX_PARK_MS (no lost wake-up)", () => {
    const futex = new Int32Array(new SharedArrayBuffer(16));
    const w = waitStrategy(mode);
    Atomics.store(futex, 0, 7);
    // observed (6) differs from the word (7): Atomics.wait returns "not-equal" at once.
    for (let i = 0; i < 100_000; i += 10_000) w.idle(i, futex, 0, 6, 1);
    expect(Atomics.load(futex, 1)).toBe(0);
  });
});
