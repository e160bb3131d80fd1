// runCase: outcomes, and every invariant check able to fail when its invariant is broken.
import { describe, expect, it } from "vitest";
import { Timers } from "../../../host/engine/timers.ts";
import { StrategyInstance } from "../../../host/sandbox/strategyInstance.ts";
import { StrategyRunner } from "../../../host/engine/strategyRunner.ts";
import { skeletonWat } from "../../../host/fuzz/abiSkeleton.ts";
import { runCase } from "../../../host/fuzz/caseRunner.ts";
import { watToBytes } from "../../../host/fuzz/corpusFile.ts";
import { baseCase, type FuzzCase } from "../../../host/fuzz/fuzzCase.ts";
import type { FuzzEnvironment } from "../../../host/fuzz/fuzzEnvironment.ts";
import { checkAudit, checkIsolation, checkResources, checkSameReport } from "../../../host/fuzz/invariants.ts";
import { Invariant } from "../../../host/fuzz/violation.ts";
import { runWitnessed } from "../../../host/fuzz/witnessedRun.ts";
import { strategyBytes } from "../../fixtures/wat.ts";
import { fuzzEnv } from "./fuzzSupport.ts";

const env = fuzzEnv();
const module = (bodies: Record<string, string>, extra = "") => watToBytes(skeletonWat({ bodies, extra }));
const kase = (bytes: Uint8Array, o: Partial<FuzzCase> = {}): FuzzCase => ({ ...baseCase("t.wat", "corpus", "wat", bytes, "test"), neighbours: 3, ...o });
const invariants = (c: FuzzCase, e: FuzzEnvironment = env) => runCase(c, e).violations.map((v) => v.invariant);

describe("runCase", () => {
  it("a healthy module beside all three examples breaks nothing", () => {
    const r = runCase(kase(module({ rf_on_market: "(drop (call $event_time (i32.const 8)))" }), { expect: { kind: "healthy" } }), env);
    expect(r.violations).toEqual([]);
    expect(r.outcome).toEqual({ kind: "healthy" });
    expect(r.report?.callbacks).toBeGreaterThan(300);
  });

  it("reports admission rejections and typed faults as outcomes", () => {
    expect(runCase(kase(new Uint8Array([1, 2, 3])), env).outcome).toEqual({ kind: "rejected", codes: ["not_wasm"] });
    const r = runCase(kase(module({ rf_on_market: "unreachable" })), env);
    expect(r.outcome).toMatchObject({ kind: "fault", fault: { kind: "trap", callback: "rf_on_market", atEvent: 0 } });
    expect(r.violations).toEqual([]);
  });

  it("flags a corpus case that does something else than it declares", () => {
    const r = runCase(kase(module({ rf_on_market: "unreachable" }), { expect: { kind: "healthy" }, reportChecks: [{ path: "orders", op: ">", value: 0 }] }), env);
    expect(r.violations.map((v) => v.message)).toEqual(["expected healthy, got fault trap in rf_on_market at 0", "report check orders>0 failed: orders is 0"]);
  });

  it("a metering refusal that is a limit (work budget, engine locals) is an outcome, not a violation", () => {
    const code: number[] = [];
    for (let i = 0; i < 50_001; i++) code.push(0x41, 0x00, 0x01, 0x1a); // i32.const 0; nop; drop: a scratch local each
    const r = runCase(kase(strategyBytes({ bodies: { rf_on_market: code } })), env);
    expect(r.outcome).toMatchObject({ kind: "meter_refused", message: expect.stringMatching(/locals once metered/) });
    expect(r.violations).toEqual([]);
  });

  it("stops a host loop the guest controls and reports it (invariant 1)", () => {
    // A zero-delay timer re-armed from rf_on_timer was such a loop (found by
    // this fuzzer); the runner now fires only the timers already pending.
    // Plant the old behaviour back to prove the harness still catches it
    // (with no event budget, which would now end the loop as out_of_fuel).
    const bytes = module({ rf_start: "(drop (call $set_timer (i32.const 0) (i32.const 1)))", rf_on_timer: "(drop (call $set_timer (i32.const 0) (i32.const 1)))" });
    const unbudgeted = kase(bytes, { sandbox: { fuelPerEvent: 0x7fffffff } });
    expect(runCase(unbudgeted, env).outcome.kind).not.toBe("host_error");
    const pending = Object.getOwnPropertyDescriptor(Timers.prototype, "pending")!;
    Object.defineProperty(Timers.prototype, "pending", { get: () => Number.MAX_SAFE_INTEGER, configurable: true });
    try {
      const r = runCase(unbudgeted, env);
      expect(r.outcome.kind).toBe("host_error");
      expect(r.violations[0]).toMatchObject({ invariant: Invariant.HostSurvives, message: expect.stringMatching(/host loop the guest controls/) });
    } finally {
      Object.defineProperty(Timers.prototype, "pending", pending);
    }
    // Planted again under the event budget: it ends the loop as a typed fault.
    Object.defineProperty(Timers.prototype, "pending", { get: () => Number.MAX_SAFE_INTEGER, configurable: true });
    try {
      expect(runCase(kase(bytes), env).outcome).toMatchObject({ kind: "fault", fault: { kind: "out_of_fuel", callback: "rf_on_timer" } });
    } finally {
      Object.defineProperty(Timers.prototype, "pending", pending);
    }
  });

  it("flags a host exception surfacing inside a host call (invariant 1)", () => {
    const original = StrategyRunner.prototype.log;
    StrategyRunner.prototype.log = () => {
      throw new TypeError("planted host bug");
    };
    try {
      expect(invariants(kase(module({ rf_on_market: "(drop (call $log (i32.const 1) (i32.const 0) (i32.const 4)))" })))).toContain(Invariant.HostSurvives);
    } finally {
      StrategyRunner.prototype.log = original;
    }
  });

  it("flags a neighbour whose report differs from its solo run (invariant 2)", () => {
    const doctored: FuzzEnvironment = { ...env, neighbours: env.neighbours.map((n) => ({ ...n, solo: { ...n.solo, fills: n.solo.fills + 1 } })) };
    expect(invariants(kase(module({})), doctored)).toContain(Invariant.Isolation);
    const v = checkIsolation("x", env.neighbours[0].solo, { ...env.neighbours[0].solo, callbacks: 1 });
    expect(v).toEqual([{ invariant: Invariant.Events, message: expect.stringMatching(/^neighbour x: callbacks/) }]);
  });

  it("flags an audit chain that lost a host call or does not match its report (invariant 4)", () => {
    const wr = runWitnessed(env.recording, env.neighbours.map((n) => n.spec));
    expect(checkAudit(wr)).toEqual([]);
    // One more submit_order reached the engine than the chain holds.
    wr.witnesses[0].contextCalls.submit_order++;
    expect(checkAudit(wr).map((v) => v.invariant)).toEqual([Invariant.Audit]);
    wr.witnesses[0].contextCalls.submit_order--;
    // An entry appended to a strategy chain after the run: heads differ from the report, and the run chain misses it.
    wr.run.auditLogs[1].append({ eventIndex: 1, timeNs: 1, call: "submit_order", args: [], result: 1 });
    expect(checkAudit(wr).length).toBeGreaterThan(1);
  });

  it("flags a market event delivered twice (invariant 5)", () => {
    const original = StrategyRunner.prototype.onMarket;
    StrategyRunner.prototype.onMarket = function (this: StrategyRunner, words: Int32Array, at: number, e: number): void {
      original.call(this, words, at, e);
      if (e === 7) original.call(this, words, at, e);
    };
    try {
      expect(invariants(kase(module({})))).toContain(Invariant.Events);
    } finally {
      StrategyRunner.prototype.onMarket = original;
    }
  });

  it("flags memory over the cap and fuel over the budget (invariant 6)", () => {
    const wr = runWitnessed(env.recording, [env.neighbours[0].spec]);
    const r = wr.run.report.strategies[0];
    const limits = env.neighbours[0].spec.sandbox;
    expect(checkResources("n", r, wr.witnesses[0], limits)).toEqual([]);
    wr.witnesses[0].memoryBytes = limits.maxMemoryPages * 65536 + 1;
    expect(checkResources("n", { ...r, maxCallbackFuel: limits.fuelForStart + 1 }, wr.witnesses[0], limits).map((v) => v.invariant)).toEqual([Invariant.Resources, Invariant.Resources]);
  });

  it("flags a market event whose callbacks spent more than the event budget (invariant 6)", () => {
    // 16 timers, each re-arming and burning ~30 000 fuel: ~500 000 per event, under the fuzz event budget.
    const bytes = module({
      rf_start: "(local $i i32) (loop $l (drop (call $set_timer (i32.const 0) (local.get $i))) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 16))))",
      rf_on_timer: "(local $k i32) (drop (call $set_timer (i32.const 0) (i32.const 0))) (loop $l (local.set $k (i32.add (local.get $k) (i32.const 1))) (br_if $l (i32.lt_u (local.get $k) (i32.const 6000))))",
    });
    const healthy = runCase(kase(bytes, { expect: { kind: "healthy" } }), env);
    expect(healthy.violations).toEqual([]);
    // The engine's budget planted away: the same strategy at half the event budget is over it, and the witness says so.
    const beginEvent = StrategyInstance.prototype.beginEvent;
    StrategyInstance.prototype.beginEvent = function (this: { eventFuelLeft: number }) {
      this.eventFuelLeft = 0x7fffffff;
    } as () => void;
    try {
      const r = runCase(kase(bytes, { sandbox: { fuelPerEvent: 250_000 } }), env);
      expect(r.violations).toMatchObject([{ invariant: Invariant.Resources, message: expect.stringMatching(/one market event's callbacks used \d+ fuel, event budget 250000/) }]);
    } finally {
      StrategyInstance.prototype.beginEvent = beginEvent;
    }
    expect(runCase(kase(bytes, { sandbox: { fuelPerEvent: 250_000 } }), env).outcome).toMatchObject({ kind: "fault", fault: { kind: "out_of_fuel" } });
  });

  it("a case that raises only its callback budget keeps an event budget above it (the environment's ratio)", () => {
    // Over 1 M fuel in one market callback: over the environment's 1 M event budget, under the case's 2 M callback budget.
    const bytes = module({ rf_on_market: "(local $k i32) (loop $l (local.set $k (i32.add (local.get $k) (i32.const 1))) (br_if $l (i32.lt_u (local.get $k) (i32.const 150000))))" });
    const r = runCase(kase(bytes, { sandbox: { fuelPerCallback: 2_000_000 }, expect: { kind: "healthy" } }), env);
    expect(r.outcome).toEqual({ kind: "healthy" });
    expect(r.report!.maxCallbackFuel).toBeGreaterThan(1_000_000);
    expect(r.violations).toEqual([]);
  });

  it("flags a run that is not repeatable (invariant 7)", () => {
    const a = env.neighbours[0].solo;
    expect(checkSameReport(a, { ...a })).toEqual([]);
    expect(checkSameReport(a, { ...a, faults: [{ kind: "trap", atEvent: 1, callback: "rf_on_market", fuelAtFault: 1, message: "wasm trap" }] })).toMatchObject([{ invariant: Invariant.Determinism }]);
  });
});
