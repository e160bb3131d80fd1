/**
 * The host call table of guest ABI v1: every import a module may declare,
 * all in the `ringfence` namespace, with exact signatures. This is the single
 * source of truth for admission (imports ⊆ this table), for the sandbox
 * (which builds its frozen import object from these names) and for the SDK
 * bindings (assembly/bindings.ts, checked by a test).
 *
 * No parameter or result is i64, f32 or f64: i64 would cost a BigInt per call
 * in JS, and floats could carry NaN payloads across the boundary. Wider values
 * travel through guest memory records (guestRecords.ts).
 */
export type WasmValType = "i32" | "i64" | "f32" | "f64";

export interface HostCallSpec {
  readonly name: string;
  readonly params: readonly WasmValType[];
  readonly results: readonly WasmValType[];
  /**
   * Fuel charged per call, on top of the guest's own instructions. Priced
   * to what the call costs the HOST (validation, risk, venue, one audit
   * append with a SHA-256: ~1-2 µs), at roughly 1 fuel per ns of guest code,
   * so a callback's fuel budget bounds its host time too — found by the
   * fuzzer: at 10 fuel an event_time storm took seconds of host time.
   */
  readonly fuel: number;
  readonly doc: string;
}

/** Extra fuel per byte of log text. */
export const LOG_FUEL_PER_BYTE = 1;
/** Longest log line a guest may pass; longer is a bad_host_call fault. */
export const MAX_LOG_BYTES = 512;
/** Log lines kept per callback; more are dropped (LogDropped) and counted. */
export const MAX_LOG_LINES_PER_CALLBACK = 8;
/** Longest param key. */
export const MAX_PARAM_KEY_BYTES = 64;
/** Timers a strategy may have pending at once. */
export const MAX_PENDING_TIMERS = 64;
/** Longest timer delay: the largest i32 microseconds, about 35.8 minutes. */
export const MAX_TIMER_DELAY_US = 0x7fffffff; // ~35.8 minutes

export const HOST_CALLS: readonly HostCallSpec[] = Object.freeze([
  { name: "submit_order", params: ["i32"], results: ["i32"], fuel: 2000,
    doc: "submit_order(req_ptr) -> order id > 0, or -Denial when risk refuses." },
  { name: "cancel_order", params: ["i32"], results: ["i32"], fuel: 1000,
    doc: "cancel_order(order_id) -> 0, or HostStatus.UnknownOrder / OrderNotWorking." },
  { name: "read_position", params: ["i32", "i32"], results: ["i32"], fuel: 1000,
    doc: "read_position(instrument, out_ptr) writes a PositionRecord -> 0 or UnknownInstrument." },
  { name: "read_orders", params: ["i32", "i32"], results: ["i32"], fuel: 1000,
    doc: "read_orders(out_ptr, max) writes up to max OrderViews, returns the number of working orders." },
  { name: "event_time", params: ["i32"], results: ["i32"], fuel: 500,
    doc: "event_time(out_ptr) writes the current event time (i64 ns) -> 0." },
  { name: "set_timer", params: ["i32", "i32"], results: ["i32"], fuel: 1000,
    doc: "set_timer(delay_us, tag) -> timer id > 0, or TooManyTimers." },
  { name: "cancel_timer", params: ["i32"], results: ["i32"], fuel: 500,
    doc: "cancel_timer(timer_id) -> 0 or UnknownTimer." },
  { name: "log", params: ["i32", "i32", "i32"], results: ["i32"], fuel: 1000,
    doc: "log(level, ptr, len) UTF-8 text -> 0, or LogDropped over the per-callback budget." },
  { name: "param", params: ["i32", "i32", "i32"], results: ["i32"], fuel: 1000,
    doc: "param(key_ptr, key_len, out_ptr) writes the i64 config value -> 0, or NotFound." },
  { name: "instrument_info", params: ["i32", "i32"], results: ["i32"], fuel: 500,
    doc: "instrument_info(instrument, out_ptr) writes an InstrumentInfo -> 0 or UnknownInstrument." },
  { name: "subscribe", params: ["i32", "i32"], results: ["i32"], fuel: 500,
    doc: "subscribe(instrument, kinds) sets the market data (MarketData mask) delivered for instrument (-1: all) from the next market event on -> 0 or UnknownInstrument." },
  { name: "abort", params: ["i32", "i32", "i32", "i32"], results: [], fuel: 0,
    doc: "abort(msg_ptr, file_ptr, line, col): the guest gives up; an `abort` fault. AssemblyScript's abort maps here." },
]);

export const HOST_CALL_BY_NAME: ReadonlyMap<string, HostCallSpec> = new Map(
  HOST_CALLS.map((c) => [c.name, c]),
);

/** Required guest exports (besides `memory`), all `() -> i32` or `() -> ()`. */
export interface GuestExportSpec {
  readonly name: string;
  readonly params: readonly WasmValType[];
  readonly results: readonly WasmValType[];
  readonly doc: string;
}

export const GUEST_EXPORTS: readonly GuestExportSpec[] = Object.freeze([
  { name: "rf_abi_version", params: [], results: ["i32"], doc: "returns the ABI version the module targets (1)." },
  { name: "rf_event_buffer", params: [], results: ["i32"], doc: "address of a 64-byte, 8-aligned buffer the host writes each event into." },
  { name: "rf_start", params: [], results: [], doc: "called once before the first event; params are readable." },
  { name: "rf_on_market", params: [], results: [], doc: "a Quote or Trade event is in the buffer." },
  { name: "rf_on_order", params: [], results: [], doc: "a Fill or OrderUpdate event is in the buffer." },
  { name: "rf_on_timer", params: [], results: [], doc: "a Timer event is in the buffer." },
  { name: "rf_stop", params: [], results: [], doc: "called once after the last event." },
]);

/** The guest must export exactly one memory under this name. */
export const GUEST_MEMORY_EXPORT = "memory";
