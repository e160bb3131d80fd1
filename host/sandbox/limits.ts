import { DEFAULT_METER_OPTIONS, MAX_STACK_BUDGET } from "../metering/meterAbi.ts";

/**
 * Per-strategy sandbox limits: a tiny policy with documented defaults and a
 * builder that checks every field once, at the boundary (Wasmtime-style).
 */
export interface SandboxLimits {
  /** Fuel for one callback (rf_on_market, rf_on_order, …). Default 10,000,000. */
  readonly fuelPerCallback: number;
  /** Fuel for module initialisation (__rf_init) plus rf_start. Default 100,000,000. */
  readonly fuelForStart: number;
  /** Stack units one callback may use (see metering/meterAbi.ts). Default 4096, at most 8192. */
  readonly stackBudget: number;
  /** Linear memory cap in 64 KiB pages. Default 256 (16 MiB). */
  readonly maxMemoryPages: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = Object.freeze({
  fuelPerCallback: 10_000_000,
  fuelForStart: 100_000_000,
  stackBudget: DEFAULT_METER_OPTIONS.stackBudget,
  maxMemoryPages: DEFAULT_METER_OPTIONS.maxMemoryPages,
});

const I32_MAX = 0x7fffffff;

export function sandboxLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const l = { ...DEFAULT_SANDBOX_LIMITS, ...overrides };
  positive("fuelPerCallback", l.fuelPerCallback, I32_MAX);
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
