// The guest exports of ABI v1. A strategy's entry file re-exports them with
//
//   export * from "ringfence/exports";
//
// which gives the module rf_abi_version and rf_event_buffer, plus do-nothing
// rf_start / rf_on_market / rf_on_order / rf_on_timer / rf_stop for every
// callback the strategy does not define itself: a function the entry file
// exports under the same name takes precedence over the star re-export.
// `ringfence build` rejects any other rf_* export, so a misspelt callback
// (rf_on_markt) fails the build instead of silently never running.

import "./abort";
import { ABI_VERSION } from "./abi";
import { EVENT_BUFFER } from "./events";

export function rf_abi_version(): i32 {
  return ABI_VERSION;
}

export function rf_event_buffer(): usize {
  return EVENT_BUFFER;
}

export function rf_start(): void {}
export function rf_on_market(): void {}
export function rf_on_order(): void {}
export function rf_on_timer(): void {}
export function rf_stop(): void {}
