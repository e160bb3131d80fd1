// The strategy's clock: event time and timers. There is no wall clock: time
// is whatever the event stream says, so a backtest and a replay of it see
// exactly the same times.

import * as host from "./bindings";
import { RECORD_ALIGN } from "./abi";

const TIME: usize = memory.data(8, RECORD_ALIGN);

/**
 * Time of the event being handled, ns since the Unix epoch (event_time).
 * Inside rf_on_* the event's own timeNs field is cheaper. No allocation.
 */
export function nowNs(): i64 {
  host.eventTime(TIME);
  return load<i64>(TIME);
}

/**
 * Asks for rf_on_timer after `delayUs` microseconds of event time
 * (0..MAX_TIMER_DELAY_US), carrying `tag`. Returns the timer id (> 0) or
 * HostStatus.TooManyTimers (at most MAX_PENDING_TIMERS pending).
 * A negative delay is clamped to 0. No allocation.
 */
export function setTimer(delayUs: i32, tag: u32 = 0): i32 {
  return host.setTimer(delayUs < 0 ? 0 : delayUs, tag);
}

/** Cancels a pending timer: 0, or HostStatus.UnknownTimer (already fired or cancelled). */
export function cancelTimer(timerId: i32): i32 {
  return host.cancelTimer(timerId);
}
