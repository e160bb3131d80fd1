// The call table under any sequence of host calls with any arguments: it
// never throws anything but GuestFault, never writes outside the record it
// was handed, and every risk decision equals the reference model of the
// risk rules (test/unit/risk/referenceModel.ts, written from docs/risk.md).
// Driven directly through buildImports over a real WebAssembly.Memory, with
// a real StrategyRunner (risk gate, venue, timers, audit) as the context.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HOST_CALLS } from "../../../host/abi/callTable.ts";
import { Denial, KillSwitchState } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { INSTRUMENT_INFO_BYTES, ORDER_REQUEST_BYTES, ORDER_VIEW_BYTES, OrderRequestOffset, POSITION_RECORD_BYTES } from "../../../host/abi/guestRecords.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { StrategyRunner } from "../../../host/engine/strategyRunner.ts";
import { generateSynthetic } from "../../../host/feed/synthetic.ts";
import { skeletonBytes } from "../../../host/fuzz/abiSkeleton.ts";
import { riskLimits, type RiskLimits } from "../../../host/risk/riskLimits.ts";
import { FaultKind, GuestFault } from "../../../host/sandbox/faults.ts";
import { GuestMemory } from "../../../host/sandbox/guestMemory.ts";
import { buildImports } from "../../../host/sandbox/hostCalls.ts";
import { sandboxLimits } from "../../../host/sandbox/limits.ts";
import { prepareModule } from "../../../host/sandbox/preparedModule.ts";
import { testSeed } from "../../support/seed.ts";
import { ReferenceRiskModel, type ModelOrder, type ModelView } from "../risk/referenceModel.ts";

const PAGE = 65536;
const recording = generateSynthetic({ seed: 11, events: 400, instruments: 2 });
const sandbox = sandboxLimits({});
const prepared = prepareModule(skeletonBytes(), sandbox, "skeleton");
const marketEvents: number[] = [];
for (let e = 0; e < recording.count; e++) {
  const kind = recording.events[e * EVENT_RECORD_WORDS + EventWord.kind];
  if (kind === 1 || kind === 2) marketEvents.push(e);
}

/** Any i32 a guest can pass, biased to the edges and to addresses that almost work. */
const i32 = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -8, max: 600 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: PAGE / 8 }).map((k) => k * 8) },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 1, 2, 0x7fffffff, -0x80000000, PAGE, PAGE - 8, PAGE - 40, PAGE - 31, 65535, 100_000, 0x7ffffff8, -8) },
  { weight: 1, arbitrary: fc.integer({ min: -0x80000000, max: 0x7fffffff }) },
);
/** i64 record fields as BigInt: valid prices/quantities, the ±2^53 edges, NaN/Inf bit patterns, the extremes. */
const i64 = fc.oneof(
  { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 20n }) },
  { weight: 3, arbitrary: fc.bigInt({ min: 9_000n, max: 11_000n }) },
  { weight: 2, arbitrary: fc.constantFrom(0n, -1n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n), 0x7ff8000000000000n, 0x7ff0000000000000n, -0x10000000000000n) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
);
const byteField = (good: number[]) => fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) });
const orderRecord = fc.record({
  instrument: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.constantFrom(2, 0xffffffff, 0x80000000) }),
  side: byteField([1, 2]),
  type: byteField([1, 2]),
  tif: byteField([1, 2]),
  rsv0: byteField([0]),
  /** Priced a few ticks from the instrument's reference price, or anything at all. */
  price: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: -3, max: 3 }).map((d) => ({ near: d })) }, { weight: 1, arbitrary: i64.map((raw) => ({ raw })) }),
  qty: fc.oneof({ weight: 6, arbitrary: fc.bigInt({ min: 1n, max: 6n }) }, { weight: 1, arbitrary: i64 }),
  tag: fc.integer({ min: 0, max: 0xffffffff }),
  rsv1: fc.oneof({ weight: 30, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 0xffffffff }) }),
  market: fc.boolean(),
});

type Op =
  | { op: "market"; n: number }
  | { op: "submit"; slot: number; ptr: number | null; rec: RecordFields }
  | { op: "call"; name: string; args: number[] }
  | { op: "poke"; at: number; bytes: number[] }
  | { op: "kill"; state: number }
  | { op: "fuel"; budget: number };
type RecordFields = { instrument: number; side: number; type: number; tif: number; rsv0: number; price: { near: number } | { raw: bigint }; qty: bigint; tag: number; rsv1: number; market: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("market" as const), n: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant("submit" as const), slot: fc.integer({ min: 0, max: 15 }), ptr: fc.oneof({ weight: 10, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: i32 }), rec: orderRecord }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("call" as const), name: fc.constantFrom(...HOST_CALLS.map((c) => c.name)), args: fc.array(i32, { minLength: 4, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("poke" as const), at: fc.integer({ min: 0, max: PAGE - 16 }), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("kill" as const), state: fc.constantFrom(KillSwitchState.Active, KillSwitchState.Active, KillSwitchState.Reducing, KillSwitchState.Halted) }) },
  /** The next call only runs with this much fuel left. */
  { weight: 1, arbitrary: fc.record({ op: fc.constant("fuel" as const), budget: fc.constantFrom(250, 150, 40, 0) }) },
);
const limitsArb = fc.record({
  maxOrderQtyLots: fc.constantFrom(5, 10, 1000),
  maxPositionLots: fc.constantFrom(5, 20, 10_000),
  maxWorkingOrders: fc.integer({ min: 1, max: 8 }),
  throttleMaxOrders: fc.integer({ min: 1, max: 6 }),
  throttleWindowNs: fc.constantFrom(1_000_000, 100_000_000),
  priceCollarBps: fc.constantFrom(50, 500, 10_000),
  maxNotionalTicksLots: fc.constantFrom(50_000, 10_000_000_000),
});

/** The i64 at p as the call table must see it: exact within ±2^53, NaN beyond (host/abi/int64.ts). */
function i64At(view: DataView, p: number): number {
  const v = view.getBigInt64(p, true);
  return v > 2n ** 53n - 1n || v < -(2n ** 53n) ? NaN : Number(v);
}

/** Bytes a successful call may write: [start, end) of its output record(s). */
function outputRange(name: string, args: number[], result: number): [number, number] | null {
  const at = (i: number) => args[i] >>> 0;
  switch (name) {
    case "read_position":
      return result === 0 ? [at(1), at(1) + POSITION_RECORD_BYTES] : null;
    case "read_orders":
      return [at(0), at(0) + ORDER_VIEW_BYTES * Math.min(result, Math.max(0, args[1]))];
    case "event_time":
      return [at(0), at(0) + 8];
    case "param":
      return result === 0 ? [at(2), at(2) + 8] : null;
    case "instrument_info":
      return result === 0 ? [at(1), at(1) + INSTRUMENT_INFO_BYTES] : null;
    default:
      return null;
  }
}

class Harness {
  readonly memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  readonly bytes = new Uint8Array(this.memory.buffer);
  readonly view = new DataView(this.memory.buffer);
  readonly runner: StrategyRunner;
  readonly model: ReferenceRiskModel;
  readonly state: ModelView;
  readonly fns: Record<string, (...a: number[]) => number | void>;
  static readonly FULL_BUDGET = 10_000_000;
  budget = Harness.FULL_BUDGET;
  nextMarket = 0;
  decisions = new Map<number, number>();
  faults = new Map<string, number>();

  constructor(readonly limits: RiskLimits) {
    const spec = { label: "property", prepared, params: new Map([["fast_len", 8], ["k", -5]]), risk: limits, sandbox };
    this.runner = new StrategyRunner(spec, recording.header.instruments, new AuditLog("property"), null, 0, () => {});
    this.runner.start(recording.events[EventWord.timeHi], recording.events[EventWord.timeLo]);
    this.state = { instrumentCount: recording.header.instruments.length, position: [0, 0], workingBuy: [0, 0], workingSell: [0, 0], workingOrders: 0, reference: [0, 0] };
    this.model = new ReferenceRiskModel(limits, this.state);
    const meter = {
      charge: (cost: number) => {
        if (this.budget - cost < 0) {
          this.budget = 0;
          throw new GuestFault(FaultKind.OutOfFuel, "out of fuel in a host call");
        }
        this.budget -= cost;
      },
    };
    const imports = buildImports({ memory: new GuestMemory(this.memory), meter, ctx: this.runner });
    this.fns = (imports as Record<string, Record<string, (...a: number[]) => number | void>>).ringfence;
  }

  market(n: number): void {
    for (let k = 0; k < n && this.nextMarket < marketEvents.length; k++) {
      const e = marketEvents[this.nextMarket++];
      this.runner.onMarket(recording.events, e * EVENT_RECORD_WORDS, e);
    }
  }

  writeOrder(p: number, r: RecordFields): void {
    const v = this.view;
    v.setUint32(p + OrderRequestOffset.instrument, r.instrument >>> 0, true);
    v.setUint8(p + OrderRequestOffset.side, r.side);
    v.setUint8(p + OrderRequestOffset.type, r.type);
    v.setUint8(p + OrderRequestOffset.tif, r.tif);
    v.setUint8(p + OrderRequestOffset.reserved0, r.rsv0);
    // A market order carries price 0 unless the record says otherwise.
    const near = "near" in r.price ? BigInt(this.runner.referencePriceTicks(r.instrument < 2 ? r.instrument : 0) + r.price.near) : r.price.raw;
    v.setBigInt64(p + OrderRequestOffset.priceTicks, r.market && r.type === 2 ? 0n : near, true);
    v.setBigInt64(p + OrderRequestOffset.qtyLots, r.qty, true);
    v.setUint32(p + OrderRequestOffset.clientTag, r.tag >>> 0, true);
    v.setUint32(p + OrderRequestOffset.reserved1, r.rsv1 >>> 0, true);
  }

  /** Calls one host function with the checks every call gets; returns its result or the fault. */
  call(name: string, args: number[]): void {
    const arity = HOST_CALLS.find((c) => c.name === name)!.params.length;
    const a = args.slice(0, arity);
    const before = this.bytes.slice();
    let order: ModelOrder | null = null;
    if (name === "submit_order") {
      const p = a[0] >>> 0;
      if (p + ORDER_REQUEST_BYTES <= PAGE) {
        const v = this.view;
        order = {
          instrument: v.getUint32(p, true), side: v.getUint8(p + 4), type: v.getUint8(p + 5), tif: v.getUint8(p + 6),
          priceTicks: i64At(v, p + 8), qtyLots: i64At(v, p + 16), clientTag: v.getUint32(p + 24, true),
        };
      }
      for (let i = 0; i < this.state.instrumentCount; i++) {
        this.state.position[i] = this.runner.positionLots(i);
        this.state.workingBuy[i] = this.runner.workingBuyLots(i);
        this.state.workingSell[i] = this.runner.workingSellLots(i);
        this.state.reference[i] = this.runner.referencePriceTicks(i);
      }
      this.state.workingOrders = this.runner.workingOrders();
    }
    let result: number | void;
    try {
      result = this.fns[name](...a);
    } catch (e) {
      if (!(e instanceof GuestFault)) throw new Error(`${name}(${a.join(", ")}) threw ${(e as Error)?.name}: ${(e as Error)?.message} instead of a GuestFault`);
      this.faults.set(e.kind, (this.faults.get(e.kind) ?? 0) + 1);
      const changed = this.bytes.findIndex((b, i) => b !== before[i]);
      if (changed >= 0) throw new Error(`${name}(${a.join(", ")}) faulted (${e.detail}) but wrote byte ${changed}`);
      return;
    }
    if (name === "abort") throw new Error("abort returned instead of faulting");
    const range = outputRange(name, a, result as number);
    for (let i = 0; i < PAGE; i++) {
      if (this.bytes[i] !== before[i] && (range === null || i < range[0] || i >= range[1])) {
        throw new Error(`${name}(${a.join(", ")}) -> ${result} wrote byte ${i}, outside ${range ? `[${range[0]}, ${range[1]})` : "nothing"}`);
      }
    }
    if (name === "submit_order") {
      // The call returned, so the gate decided; the model must agree.
      const want = this.model.check(order!, this.runner.timeNs);
      const got = (result as number) > 0 ? 0 : -(result as number);
      if (got !== want) throw new Error(`submit_order: gate said ${got}, model said ${want} for ${JSON.stringify(order)} (view ${JSON.stringify(this.state)})`);
      this.decisions.set(got, (this.decisions.get(got) ?? 0) + 1);
    }
  }

  apply(op: Op): void {
    if (op.op !== "fuel" && op.op !== "poke") this.budgetOnce();
    switch (op.op) {
      case "market":
        return this.market(op.n);
      case "submit": {
        const slot = 4096 + op.slot * ORDER_REQUEST_BYTES;
        this.writeOrder(slot, op.rec);
        return this.call("submit_order", [op.ptr ?? slot]);
      }
      case "call":
        return this.call(op.name, op.args);
      case "poke":
        this.bytes.set(op.bytes, op.at);
        return;
      case "kill":
        this.runner.setKillSwitch(op.state as KillSwitchState);
        this.model.killSwitch = op.state;
        return;
      case "fuel":
        this.budget = op.budget;
        this.lowBudgetPending = true;
        return;
    }
  }

  private lowBudgetPending = false;

  /** A low budget lasts for one op; then the full budget is back. */
  private budgetOnce(): void {
    if (this.lowBudgetPending) this.lowBudgetPending = false;
    else this.budget = Harness.FULL_BUDGET;
  }
}

describe("host call table under arbitrary calls", () => {
  it("throws only GuestFault, writes only its output records, and decides orders as the reference risk model does", () => {
    const seed = testSeed("hostCalls.property");
    const decisions = new Map<number, number>();
    const faults = new Map<string, number>();
    fc.assert(
      fc.property(limitsArb, fc.array(opArb, { minLength: 30, maxLength: 150 }), (limitsIn, ops) => {
        const h = new Harness(riskLimits(limitsIn));
        h.market(3); // a reference price before the first order, most of the time
        for (const op of ops) h.apply(op);
        for (const [k, v] of h.decisions) decisions.set(k, (decisions.get(k) ?? 0) + v);
        for (const [k, v] of h.faults) faults.set(k, (faults.get(k) ?? 0) + v);
      }),
      { seed, numRuns: 150 },
    );
    // Not vacuous: orders were accepted and denied for several reasons, and bad arguments and fuel both faulted.
    expect(decisions.get(0) ?? 0, "no order was ever accepted").toBeGreaterThan(0);
    for (const d of [Denial.MaxOrderQty, Denial.PriceCollar, Denial.UnknownInstrument, Denial.Throttle, Denial.KillSwitchHalted]) {
      expect(decisions.get(d) ?? 0, `denial ${d} never produced`).toBeGreaterThan(0);
    }
    expect(faults.get(FaultKind.BadHostCall) ?? 0).toBeGreaterThan(0);
    expect(faults.get(FaultKind.OutOfFuel) ?? 0).toBeGreaterThan(0);
    expect(faults.get(FaultKind.Abort) ?? 0).toBeGreaterThan(0);
  });
});
