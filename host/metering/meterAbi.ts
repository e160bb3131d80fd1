/**
 * What the metering rewrite adds to an admitted module, and how the sandbox
 * talks to it. All four are mutable i32 globals exported under the reserved
 * `__rf_` prefix; the fuel global is global index 0 (measured: a fuel global
 * at a higher index made a tight loop 2.0x slower instead of 1.4x).
 *
 *   __rf_fuel         fuel remaining; the host sets the callback budget before
 *                     each callback and reads what is left after. Charged at
 *                     function entries (small non-exported helpers: by their
 *                     callers instead), loop headers (a counted loop: once, at
 *                     its entry, for all its iterations) and big `if` arms —
 *                     the static cost of the code up to the next charge point
 *                     —, by size for memory.fill/copy/init, and by the host for
 *                     host calls (docs/metering.md has the cost model). Inside
 *                     guest code the fuel travels in registers; __rf_fuel is
 *                     exact whenever the host can look: at every host call,
 *                     after a callback returns, and after a metering fault.
 *                     When a charge would make it negative: __rf_fuel is left
 *                     at its value before that charge, __rf_fault = 1,
 *                     `unreachable`. After any other trap it holds the value
 *                     of the last of those points (deterministic, a lower
 *                     bound of the fuel used).
 *   __rf_depth        the stack depth handed to a function entered other than
 *                     by a direct call: 0 from the host (__rf_arm), and written
 *                     by guest code right before a call_indirect; an entry
 *                     wrapper puts back the value it found, so after a normal
 *                     return it is again what the host set. Within direct
 *                     calls the depth travels in registers. A function
 *                     on a call-graph cycle adds its frame's units
 *                     (1 + floor(slots / 8), slots = params + locals + results
 *                     + max operand-stack height (+4)), so a bigger frame
 *                     costs more and real native stack use is bounded the same
 *                     on the main thread and in workers. Non-recursive
 *                     functions do not count themselves: each appears at most
 *                     once per stack, so the rewrite reserves their heaviest
 *                     call path from the budget instead (or, if that reserve
 *                     would exceed half the budget, every function counts).
 *                     Over the limit: __rf_fault = 2, then `unreachable`.
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

/**
 * Exported helper functions the rewrite adds, cheaper for the host than the
 * globals' `.value` accessors (an exported call ~9 ns vs 20-70 ns per access):
 *   __rf_arm(fuel: i32)         before a callback: __rf_fuel = max(fuel, 0) and
 *                               __rf_depth = __rf_fault = __rf_grow_denied = 0
 *   __rf_fuel_left() -> i32     after it: the fuel left
 *   __rf_charge(cost: i32) -> i32  in a host call (0 <= cost < 2^31): 1 and
 *                               __rf_fuel -= cost if it suffices, else 0 and
 *                               __rf_fuel = 0 (the host then faults out_of_fuel)
 * The globals stay exported and authoritative; use them after a trap.
 * Invariant the host must keep: 0 <= __rf_fuel <= 2^31 - 1 whenever guest
 * code runs (every charge point relies on it).
 */
export const METER_EXPORT = {
  arm: "__rf_arm",
  fuelLeft: "__rf_fuel_left",
  charge: "__rf_charge",
} as const;

/**
 * One exported host entry per event callback the module exports (and only
 * when its type is () -> ()): `__rf_enter_<callback>(fuel: i32) -> i32` arms
 * exactly as __rf_arm(fuel), calls the callback, and returns the fuel left.
 * One JS-to-wasm crossing per event instead of three (measured 12.5 -> ~5 ns,
 * Node 20). A trap propagates as from the callback itself; the globals then
 * hold what they would after a plain call.
 */
export const METER_ENTRY_EXPORTS = {
  rf_on_market: "__rf_enter_market",
  rf_on_order: "__rf_enter_order",
  rf_on_timer: "__rf_enter_timer",
} as const;

/**
 * A module's start function, if it has one, is removed from the start
 * section (it would run at instantiation, before any fuel is set) and
 * exported under this name, `() -> ()`, for the sandbox to call under the
 * fuel budget before rf_start.
 */
export const METER_INIT_EXPORT = "__rf_init";

/**
 * Largest stackBudget the rewrite accepts. Measured (Node 20, x64, main
 * thread, ~984 KB stack): V8 overflows only past ~17,000 units even for the
 * densest frames tried, and with 8192 every deep-recursion case faulted with
 * call_depth, never RangeError (even under --stack-size=600). Beyond it V8's
 * own, thread-dependent RangeError could come first.
 */
export const MAX_STACK_BUDGET = 8192;

export interface MeterOptions {
  /** Stack units (see above) a callback may use; default 4096, at most MAX_STACK_BUDGET. */
  readonly stackBudget: number;
  /** Memory cap in 64 KiB pages; the rewrite lowers the declared maximum to this. */
  readonly maxMemoryPages: number;
}

export const DEFAULT_METER_OPTIONS: MeterOptions = Object.freeze({
  stackBudget: 4096,
  maxMemoryPages: 256, // 16 MiB
});
