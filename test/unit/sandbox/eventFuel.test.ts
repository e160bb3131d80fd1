// The per-event fuel budget: everything one market event sets off (pending
// timers, the market callback, the order updates they cause) draws from one
// allowance, refilled at the next event, so a strategy cannot spend dozens of
// callback budgets on one event and hold up its worker's other strategies.
import { describe, expect, it } from "vitest";
import { sandboxLimits } from "../../../host/sandbox/limits.ts";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { backtest, spec, synthetic } from "../../support/backtestHarness.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";

const TIMER = `(import "ringfence" "set_timer" (func $timer (param i32 i32) (result i32)))`;
const UNLIMITED = 0x7fffffff; // the largest event budget

/** rf_start arms `timers` timers; each timer callback re-arms itself and burns a loop of `spins` iterations. */
function timerBurner(timers: number, spins: number): Uint8Array {
  return wat(strategyWat({
    imports: TIMER,
    callbacks: {
      rf_start: `(local $i i32) (loop $l (drop (call $timer (i32.const 0) (local.get $i))) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const ${timers}))))`,
      rf_on_timer: `(local $n i32) (drop (call $timer (i32.const 0) (i32.const 0))) (loop $l (local.set $n (i32.add (local.get $n) (i32.const 1))) (br_if $l (i32.lt_u (local.get $n) (i32.const ${spins}))))`,
    },
  }));
}

function run(bytes: Uint8Array, fuelPerEvent: number, events = 200) {
  return backtest([spec(bytes, { label: "burner", sandbox: { fuelPerCallback: 10_000_000, fuelPerEvent } })], synthetic(events)).report.strategies[0];
}

describe("per-event fuel budget", () => {
  it("defaults to a multiple of the callback budget and follows --fuel unless set", () => {
    expect(sandboxLimits().fuelPerEvent).toBe(4 * sandboxLimits().fuelPerCallback);
    expect(sandboxLimits({ fuelPerCallback: 1000 }).fuelPerEvent).toBe(4000);
    expect(sandboxLimits({ fuelPerCallback: 1000, fuelPerEvent: 1500 }).fuelPerEvent).toBe(1500);
    expect(() => sandboxLimits({ fuelPerEvent: 0 })).toThrow(/fuelPerEvent must be an integer/);
    expect(() => sandboxLimits({ fuelPerEvent: 1.5 })).toThrow(/fuelPerEvent/);
    // Fuel per event is recorded as an Int32 (a session's .fuel files): the budget stops there.
    expect(sandboxLimits({ fuelPerCallback: 0x7fffffff }).fuelPerEvent).toBe(0x7fffffff);
    expect(() => sandboxLimits({ fuelPerEvent: 2 ** 31 })).toThrow(/fuelPerEvent must be an integer in 1\.\.2147483647/);
  });

  it("timer callbacks that each fit a callback budget fault out_of_fuel once together they pass the event's budget, at the same fuel every run", () => {
    const rand = prng(testSeed("eventFuel.exhaust"));
    for (let round = 0; round < 4; round++) {
      const timers = randInt(rand, 2, 64);
      const spins = randInt(rand, 40_000, 80_000); // a timer costs more than rf_start (64 host calls)
      const bytes = timerBurner(timers, spins);
      const free = run(bytes, UNLIMITED, 20);
      expect(free.faults).toEqual([]);
      // Every timer callback does the same work: the largest is each one's cost.
      const perTimer = free.maxCallbackFuel;
      expect(perTimer).toBeGreaterThan(spins);
      // Enough for all but half of the last timer of the first event.
      const budget = (timers - 1) * perTimer + Math.floor(perTimer / 2);
      const a = run(bytes, budget, 20);
      const b = run(bytes, budget, 20);
      expect(a.faults).toHaveLength(1);
      const f = a.faults[0];
      expect(f.kind).toBe("out_of_fuel");
      expect(f.callback).toBe("rf_on_timer");
      expect(f.atEvent).toBe(0);
      expect(f.message).toContain(`the event's callbacks together spent its budget of ${budget}`);
      expect(f.fuelAtFault).toBeLessThanOrEqual(Math.floor(perTimer / 2) + 1000);
      expect(a.callbacks).toBe(1 + timers); // rf_start, then the timers up to the one that faulted
      expect(b.faults).toEqual(a.faults);
      expect(b.fuelUsed).toBe(a.fuelUsed);
    }
  });

  it("the budget is refilled at every market event: a strategy under it on each event runs the whole feed", () => {
    const rand = prng(testSeed("eventFuel.refill"));
    const timers = randInt(rand, 2, 64);
    const bytes = timerBurner(timers, randInt(rand, 40_000, 80_000));
    const free = run(bytes, UNLIMITED);
    // A budget that fits one event's timers and market callback, not two events'.
    const budget = (timers + 1) * free.maxCallbackFuel;
    const capped = run(bytes, budget);
    expect(capped.faults).toEqual([]);
    expect(capped.callbacks).toBe(free.callbacks);
    expect(capped.fuelUsed).toBe(free.fuelUsed);
    expect(capped.fuelUsed).toBeGreaterThan(2 * budget);
  });

  it("a budget below the callback budget caps each callback, with the event named in the fault", () => {
    const bytes = wat(strategyWat({ callbacks: { rf_on_market: "(loop $l (br $l))" } }));
    const s = backtest([spec(bytes, { sandbox: { fuelPerCallback: 1_000_000, fuelPerEvent: 50_000 } })], synthetic(10)).report.strategies[0];
    expect(s.faults[0].kind).toBe("out_of_fuel");
    expect(s.faults[0].fuelAtFault).toBeLessThanOrEqual(50_000);
    expect(s.faults[0].message).toContain("budget of 50000");
    // With the callback budget the smaller one, the fault reads as before.
    const t = backtest([spec(bytes, { sandbox: { fuelPerCallback: 50_000, fuelPerEvent: 1_000_000 } })], synthetic(10)).report.strategies[0];
    expect(t.faults[0].message).not.toContain("the event's callbacks");
  });
});
