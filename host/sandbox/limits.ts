import { DEFAULT_METER_OPTIONS, MAX_STACK_BUDGET } from "../metering/meterAbi.ts";

/**
 * Per-strategy sandbox limits: a tiny policy with documented defaults and a
 * builder that checks every field once, at the boundary (Wasmtime-style).
 */
export interface SandboxLimits {
  /** Fuel for one callback (rf_on_market, rf_on_order, …). Default 10,000,000. */
  readonly fuelPerCallback: number;
  /**
   * Fuel for everything one market event sets off: its pending timers, the
   * market callback and the order updates they cause, together. Without it a
   * strategy could spend up to 65 callback budgets on one event and hold up
   * the strategies sharing its worker. Default FUEL_PER_EVENT_FACTOR ×
   * fuelPerCallback (40,000,000 with the default callback budget).
   */
  readonly fuelPerEvent: number;
  /** Fuel for module initialisation (__rf_init) plus rf_start. Default 100,000,000. */
  readonly fuelForStart: number;
  /** Stack units one callback may use (see metering/meterAbi.ts). Default 4096, at most 8192. */
  readonly stackBudget: number;
  /** Linear memory cap in 64 KiB pages. Default 256 (16 MiB). */
  readonly maxMemoryPages: number;
}

/** The default per-event budget, in callback budgets: a market callback and a few full-budget timer or order callbacks. */
export const FUEL_PER_EVENT_FACTOR = 4;

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = Object.freeze({
  fuelPerCallback: 10_000_000,
  fuelPerEvent: 10_000_000 * FUEL_PER_EVENT_FACTOR,
  fuelForStart: 100_000_000,
  stackBudget: DEFAULT_METER_OPTIONS.stackBudget,
  maxMemoryPages: DEFAULT_METER_OPTIONS.maxMemoryPages,
});

const I32_MAX = 0x7fffffff;

/** The largest event budget: fuel per event is recorded as an Int32 (FuelTrace, a session's .fuel files). */
export const MAX_FUEL_PER_EVENT = I32_MAX;

/**
 * The limits with `overrides` applied. Leaving out fuelPerEvent scales it
 * with fuelPerCallback, so raising the callback budget alone never lets a
 * smaller event budget cut a callback short (up to MAX_FUEL_PER_EVENT).
 */
export function sandboxLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const l = { ...DEFAULT_SANDBOX_LIMITS, ...overrides };
  if (overrides.fuelPerEvent === undefined) l.fuelPerEvent = Math.min(l.fuelPerCallback * FUEL_PER_EVENT_FACTOR, MAX_FUEL_PER_EVENT);
  positive("fuelPerCallback", l.fuelPerCallback, I32_MAX);
  positive("fuelPerEvent", l.fuelPerEvent, MAX_FUEL_PER_EVENT);
  positive("fuelForStart", l.fuelForStart, I32_MAX);
  positive("stackBudget", l.stackBudget, MAX_STACK_BUDGET);
  positive("maxMemoryPages", l.maxMemoryPages, 65536);
  return Object.freeze(l);
}

function positive(name: string, v: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < 1 || v > max) {
    throw new RangeError(`sandboxLimits: ${name} must be an integer in 1..${max}, got ${v}`);
  }
}
