/**
 * What the metering rewrite adds to an admitted module, and how the sandbox
 * talks to it. All four are mutable i32 globals exported under the reserved
 * `__rf_` prefix; the fuel global is global index 0 (measured: a fuel global
 * at a higher index made a tight loop 2.0x slower instead of 1.4x).
 *
 *   __rf_fuel         fuel remaining; the host sets the callback budget before
 *                     each callback and reads what is left after. Charged at
 *                     every function entry and loop header (the cost of the
 *                     straight-line code up to the next charge point), by size
 *                     for memory.fill/copy, and by the host for host calls.
 *                     When a charge would make it negative: __rf_fault = 1,
 *                     then `unreachable`.
 *   __rf_depth        stack units in use. Each function entry adds
 *                     1 + (params + locals) / 8 (so a frame with many locals
 *                     costs more, keeping real native stack use bounded the
 *                     same on main thread and workers); each exit subtracts it.
 *                     Over the budget: __rf_fault = 2, then `unreachable`.
 *   __rf_fault        0 none, 1 out of fuel, 2 call depth.
 *   __rf_grow_denied  set to 1 when memory.grow returned -1 (the memory cap);
 *                     a trap after that is reported as memory_limit.
 */
export const METER_GLOBAL = {
  fuel: "__rf_fuel",
  depth: "__rf_depth",
  fault: "__rf_fault",
  growDenied: "__rf_grow_denied",
} as const;

export const MeterFault = { None: 0, OutOfFuel: 1, CallDepth: 2 } as const;

export interface MeterOptions {
  /** Stack units (see above) a callback may use; default 4096. */
  readonly stackBudget: number;
  /** Memory cap in 64 KiB pages; the rewrite lowers the declared maximum to this. */
  readonly maxMemoryPages: number;
}

export const DEFAULT_METER_OPTIONS: MeterOptions = Object.freeze({
  stackBudget: 4096,
  maxMemoryPages: 256, // 16 MiB
});
