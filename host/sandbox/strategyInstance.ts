/**
 * One sandboxed strategy: a metered module instantiated with the frozen
 * call table, driven one callback at a time. Every way the guest can fail
 * is caught here and turned into a typed Fault; nothing the guest does can
 * throw into the caller. After a fault the instance is dead (quarantined):
 * every later call returns false without entering the guest.
 */
import { EVENT_RECORD_BYTES, EVENT_RECORD_WORDS, EVENT_RECORD_ALIGN, copyRecord, copyRecord64 } from "../abi/eventRecord.ts";
import { ABI_VERSION } from "../abi/version.ts";
import { METER_ENTRY_EXPORTS, METER_EXPORT, METER_GLOBAL, MeterFault } from "../metering/meterAbi.ts";
import { FaultKind, FaultMessage, GuestFault, type Fault } from "./faults.ts";
import { GuestMemory } from "./guestMemory.ts";
import { buildImports, type FuelMeter, type HostCallBinding } from "./hostCalls.ts";
import type { HostContext } from "./hostContext.ts";
import type { SandboxLimits } from "./limits.ts";
import { errorLineAscii } from "../text/printable.ts";

export const Callback = {
  Init: "__rf_init",
  Start: "rf_start",
  Market: "rf_on_market",
  Order: "rf_on_order",
  Timer: "rf_on_timer",
  Stop: "rf_stop",
} as const;
export type Callback = (typeof Callback)[keyof typeof Callback];
/** The callbacks deliver() runs: one per event. */
export type EventCallback = typeof Callback.Market | typeof Callback.Order | typeof Callback.Timer;

type VoidFn = () => void;
/** A metered host entry: arms `fuel`, runs the callback, returns the fuel left (meterAbi.ts). */
type EnterFn = (fuel: number) => number;

/** Fixed texts for V8 trap messages, so a fault reads the same on every V8 version. */
const TRAP_DETAILS: readonly [RegExp, string][] = [
  [/unreachable/i, "unreachable executed"],
  [/out of bounds memory|memory access out of bounds/i, "memory access out of bounds"],
  [/divide by zero|division by zero/i, "integer divide by zero"],
  [/remainder by zero/i, "integer remainder by zero"],
  [/integer overflow|unrepresentable/i, "integer overflow"],
  [/float unrepresentable|invalid conversion|convert/i, "invalid float to integer conversion"],
  [/table index|out of bounds table|element/i, "table index out of bounds"],
  [/null function|signature mismatch|indirect call/i, "indirect call signature mismatch or null entry"],
  [/call stack|stack overflow/i, "native stack overflow"],
];

export class StrategyInstance implements FuelMeter {
  private readonly instance: WebAssembly.Instance;
  private readonly memory: GuestMemory;
  private readonly fuel: WebAssembly.Global;
  private readonly meterFault: WebAssembly.Global;
  private readonly growDenied: WebAssembly.Global;
  // Exported helpers: a wasm call (~9 ns) is cheaper than Global.value (20-70 ns).
  private readonly armFn: (fuel: number) => void;
  private readonly fuelLeftFn: () => number;
  private readonly chargeFn: (cost: number) => number;
  private readonly fns: Readonly<Record<Callback, VoidFn | undefined>>;
  // Host entries for the event callbacks, where the rewrite added them. Plain
  // fields picked by comparing the callback (a constant string: a pointer
  // compare), not a keyed lookup, which profiled at ~8% of a backtest.
  private readonly enterMarket: EnterFn | undefined;
  private readonly enterOrder: EnterFn | undefined;
  private readonly enterTimer: EnterFn | undefined;
  private eventWord = -1;
  private srcA: Int32Array | null = null;
  private srcA64: Float64Array | null = null;
  private srcB: Int32Array | null = null;
  private srcB64: Float64Array | null = null;
  private currentCallback: Callback = Callback.Start;
  private currentEvent = -1;
  // What is left of the current event's budget (fuelPerEvent); beginEvent() refills it.
  private eventFuelLeft: number;

  /** Fuel used by all callbacks so far (host-call charges included). */
  fuelUsed = 0;
  /** Fuel used by the last successful callback. */
  lastCallbackFuel = 0;
  /** Largest fuel any one callback used. */
  maxCallbackFuel = 0;
  fault: Fault | null = null;

  private constructor(module: WebAssembly.Module, private readonly ctx: HostContext, private readonly limits: SandboxLimits) {
    this.eventFuelLeft = limits.fuelPerEvent;
    const binding: HostCallBinding = { memory: null, meter: this, ctx };
    this.instance = new WebAssembly.Instance(module, buildImports(binding));
    const ex = this.instance.exports;
    const memory = ex.memory;
    if (!(memory instanceof WebAssembly.Memory)) throw new GuestFault(FaultKind.Abi, "no exported memory");
    this.memory = new GuestMemory(memory);
    binding.memory = this.memory;
    this.fuel = meterGlobal(ex, METER_GLOBAL.fuel);
    this.meterFault = meterGlobal(ex, METER_GLOBAL.fault);
    this.growDenied = meterGlobal(ex, METER_GLOBAL.growDenied);
    this.armFn = meterFn(ex, METER_EXPORT.arm) as (fuel: number) => void;
    this.fuelLeftFn = meterFn(ex, METER_EXPORT.fuelLeft) as () => number;
    this.chargeFn = meterFn(ex, METER_EXPORT.charge) as (cost: number) => number;
    const fn = (name: string): VoidFn | undefined => (typeof ex[name] === "function" ? (ex[name] as VoidFn) : undefined);
    this.fns = Object.freeze({
      __rf_init: fn(Callback.Init),
      rf_start: fn(Callback.Start),
      rf_on_market: fn(Callback.Market),
      rf_on_order: fn(Callback.Order),
      rf_on_timer: fn(Callback.Timer),
      rf_stop: fn(Callback.Stop),
    });
    // Every exported event callback is entered through the rewrite's host
    // entry (meterAbi.ts); admission guarantees their () -> () type, so a
    // missing entry means the module was not metered by this host.
    const enter = (cb: keyof typeof METER_ENTRY_EXPORTS): EnterFn | undefined =>
      this.fns[cb] === undefined ? undefined : (meterFn(ex, METER_ENTRY_EXPORTS[cb]) as EnterFn);
    this.enterMarket = enter(Callback.Market);
    this.enterOrder = enter(Callback.Order);
    this.enterTimer = enter(Callback.Timer);
  }

  /**
   * Instantiates a metered module (see host/sandbox/preparedModule.ts).
   * Instantiation itself cannot run guest code: the start function was moved
   * to __rf_init by the metering rewrite, and start() runs it under fuel.
   * Returns a dead instance carrying an `abi` fault if instantiation fails.
   */
  static create(module: WebAssembly.Module, ctx: HostContext, limits: SandboxLimits): StrategyInstance | Fault {
    try {
      return new StrategyInstance(module, ctx, limits);
    } catch (e) {
      const detail = e instanceof GuestFault ? e.detail : `instantiation failed: ${errorLineAscii(e, 200)}`;
      return { kind: FaultKind.Abi, atEvent: -1, fuelAtFault: 0, callback: "instantiate", message: `${FaultMessage.abi}: ${detail}` };
    }
  }

  get alive(): boolean {
    return this.fault === null;
  }

  /** Current linear memory size in bytes (for resource telemetry). */
  get memoryBytes(): number {
    return this.memory.byteLength;
  }

  /** Runs __rf_init (if any), checks the ABI version and event buffer, then rf_start. */
  start(): boolean {
    this.currentEvent = -1;
    const budget = this.limits.fuelForStart;
    this.arm(budget);
    const ok = this.guard(Callback.Start, budget, () => {
      this.fns.__rf_init?.();
      const version = (this.instance.exports.rf_abi_version as () => number)();
      if (version !== ABI_VERSION) throw new GuestFault(FaultKind.Abi, `rf_abi_version returned ${version}, this host speaks ${ABI_VERSION}`);
      const ptr = (this.instance.exports.rf_event_buffer as () => number)() >>> 0;
      if (!this.memory.check(ptr, EVENT_RECORD_BYTES, EVENT_RECORD_ALIGN)) {
        throw new GuestFault(FaultKind.Abi, `rf_event_buffer returned ${ptr}: not an 8-aligned 64-byte buffer inside memory`);
      }
      this.eventWord = ptr >> 2;
      this.call(Callback.Start);
    });
    return ok;
  }

  /**
   * Refills the event budget: every deliver() until the next beginEvent()
   * draws from one fuelPerEvent allowance, each callback still capped at
   * fuelPerCallback. Deterministic like all fuel: the same callback runs out
   * at the same instruction on every run.
   */
  beginEvent(): void {
    this.eventFuelLeft = this.limits.fuelPerEvent;
  }

  /**
   * Copies one 64-byte event record into the guest's event buffer and runs
   * the callback (rf_on_market, rf_on_order or rf_on_timer) for it. Returns false if the strategy faulted (now or before).
   * Hot path: no allocation unless the guest faults.
   */
  deliver(callback: EventCallback, eventIndex: number, words: Int32Array, at: number): boolean {
    if (this.fault !== null) return false;
    this.currentEvent = eventIndex;
    const src64 = (at & 1) === 0 ? this.f64Of(words) : null;
    if (src64 !== null) copyRecord64(this.memory.f64(), this.eventWord >> 1, src64, at >> 1);
    else copyRecord(this.memory.words(), this.eventWord, words, at);
    const perCallback = this.limits.fuelPerCallback;
    const budget = this.eventFuelLeft < perCallback ? this.eventFuelLeft : perCallback;
    this.currentCallback = callback;
    // One call site per callback, each calling one wasm function: V8 inlines
    // its JS-to-wasm wrapper only at a call site that has seen a single
    // target, and one shared site sees two or three.
    let left: number;
    try {
      if (callback === Callback.Market) {
        const enter = this.enterMarket;
        if (enter === undefined) return true; // the module does not export this callback
        left = enter(budget);
      } else if (callback === Callback.Order) {
        const enter = this.enterOrder;
        if (enter === undefined) return true;
        left = enter(budget);
      } else {
        const enter = this.enterTimer;
        if (enter === undefined) return true;
        left = enter(budget);
      }
    } catch (e) {
      this.recordFault(e, callback, budget, budget < perCallback);
      return false;
    }
    this.used(budget - left);
    this.eventFuelLeft -= budget - left;
    return true;
  }

  /**
   * An 8-byte view of the record source `words`, or null when it is not
   * 8-aligned. Events come from at most a few arrays (a ring or batch buffer,
   * the runner's scratch record for venue events and timers, a recording's
   * blocks), so the last two views are kept: a view is made only when the
   * source changes, never per event.
   */
  private f64Of(words: Int32Array): Float64Array | null {
    if (words === this.srcA) return this.srcA64;
    if (words === this.srcB) return this.srcB64;
    const view = (words.byteOffset & 7) === 0 ? new Float64Array(words.buffer, words.byteOffset, words.length >> 1) : null;
    this.srcB = this.srcA;
    this.srcB64 = this.srcA64;
    this.srcA = words;
    this.srcA64 = view;
    return view;
  }

  /** rf_stop, under one callback budget. */
  stop(eventIndex: number): boolean {
    if (this.fault !== null) return false;
    this.currentEvent = eventIndex;
    const budget = this.limits.fuelPerCallback;
    this.arm(budget);
    return this.guard(Callback.Stop, budget, () => this.call(Callback.Stop));
  }

  /** FuelMeter: host calls are charged against the running callback's budget. */
  charge(cost: number): void {
    if (this.chargeFn(cost) === 0) throw new GuestFault(FaultKind.OutOfFuel, "out of fuel in a host call");
  }

  private call(cb: Callback): void {
    this.currentCallback = cb;
    this.fns[cb]?.();
  }

  private arm(budget: number): void {
    this.armFn(budget);
  }

  private account(budget: number): void {
    this.used(budget - this.fuelLeftFn());
  }

  private used(used: number): void {
    this.lastCallbackFuel = used;
    this.fuelUsed += used;
    if (used > this.maxCallbackFuel) this.maxCallbackFuel = used;
  }

  private guard(cb: Callback, budget: number, body: () => void): boolean {
    this.currentCallback = cb;
    try {
      body();
    } catch (e) {
      this.recordFault(e, this.currentCallback, budget);
      return false;
    }
    this.account(budget);
    return true;
  }

  /** `eventLimited`: the callback ran on what was left of the event budget, less than a callback budget. */
  private recordFault(e: unknown, cb: Callback, budget: number, eventLimited = false): void {
    const used = budget - (this.fuel.value as number);
    this.fuelUsed += used;
    let kind: FaultKind;
    let detail: string;
    const meterFault = this.meterFault.value as number;
    const growDenied = (this.growDenied.value as number) !== 0;
    if (e instanceof GuestFault) {
      kind = growDenied && e.kind === FaultKind.Abort ? FaultKind.MemoryLimit : e.kind;
      detail = e.detail;
    } else if (meterFault === MeterFault.OutOfFuel) {
      kind = FaultKind.OutOfFuel;
      detail = "fuel budget exhausted in guest code";
    } else if (meterFault === MeterFault.CallDepth) {
      kind = FaultKind.CallDepth;
      detail = `stack budget ${this.limits.stackBudget} exceeded`;
    } else if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
      kind = growDenied ? FaultKind.MemoryLimit : FaultKind.Trap;
      detail = trapDetail(e);
    } else {
      // Not a guest trap: a host bug surfaced inside a host call. The
      // strategy still only gets a fault; the host loop carries on.
      kind = FaultKind.Trap;
      detail = `host error during ${cb}: ${errorLineAscii(e, 200)}`;
    }
    if (kind === FaultKind.OutOfFuel && eventLimited) detail += ` (the event's callbacks together spent its budget of ${this.limits.fuelPerEvent})`;
    this.fault = Object.freeze({
      kind,
      atEvent: this.currentEvent,
      fuelAtFault: used,
      callback: cb,
      message: `${FaultMessage[kind]}: ${detail}`,
    });
  }
}

function meterGlobal(ex: WebAssembly.Exports, name: string): WebAssembly.Global {
  const g = ex[name];
  if (!(g instanceof WebAssembly.Global)) throw new GuestFault(FaultKind.Abi, `module is not metered (no ${name} export)`);
  return g;
}

function meterFn(ex: WebAssembly.Exports, name: string): Function {
  const f = ex[name];
  if (typeof f !== "function") throw new GuestFault(FaultKind.Abi, `module is not metered (no ${name} export)`);
  return f;
}

function trapDetail(e: unknown): string {
  const msg = errorLineAscii(e, 200);
  for (const [re, text] of TRAP_DETAILS) if (re.test(msg)) return text;
  return "trap";
}

