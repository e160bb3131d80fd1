/**
 * Faults: the closed set of ways a strategy can stop. Messages are fixed
 * strings (never V8's own trap text, which varies between versions), so a
 * fault reads the same on every machine, thread and run.
 */
export const FaultKind = {
  OutOfFuel: "out_of_fuel",
  CallDepth: "call_depth",
  MemoryLimit: "memory_limit",
  Trap: "trap",
  BadHostCall: "bad_host_call",
  Abort: "abort",
  Abi: "abi",
  /** Wall-clock watchdog (live mode only, never in backtests). */
  Watchdog: "watchdog",
  /** The worker hosting the strategy died (live mode only). */
  Disconnect: "disconnect",
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

export const FaultMessage: Readonly<Record<FaultKind, string>> = Object.freeze({
  out_of_fuel: "all fuel consumed by WebAssembly",
  call_depth: "call stack budget exhausted",
  memory_limit: "memory limit reached (memory.grow refused, then trapped)",
  trap: "wasm trap",
  bad_host_call: "invalid host call argument",
  abort: "strategy aborted",
  abi: "module does not meet the ABI",
  watchdog: "wall-clock watchdog terminated the strategy",
  disconnect: "strategy worker disconnected",
});

export interface Fault {
  readonly kind: FaultKind;
  /** Index of the event (0-based, in the strategy's own event sequence) being handled; -1 for start. */
  readonly atEvent: number;
  /** Fuel consumed in the faulting callback up to the fault. */
  readonly fuelAtFault: number;
  /** Callback that faulted: rf_start, rf_on_market, ... */
  readonly callback: string;
  /** FaultMessage[kind] plus a fixed-form detail (e.g. "submit_order: req_ptr out of bounds"). */
  readonly message: string;
}

/**
 * Thrown from inside a host call to unwind the guest. Only the sandbox
 * catches it; it never reaches the engine loop.
 */
export class GuestFault extends Error {
  constructor(readonly kind: FaultKind, readonly detail: string) {
    super(detail);
  }
}
