// Denial backoff, shared by strategies: after a risk denial, skip market
// events — MIN_BACKOFF_EVENTS, doubling up to MAX_BACKOFF_EVENTS while
// denials continue — and start over once an order is accepted. Hammering a
// throttle or a limit only burns fuel and fills the audit log. Static state:
// nothing allocates.
import { denialName } from "./abi";
import { logLine } from "./log";

export const MIN_BACKOFF_EVENTS: i32 = 8;
export const MAX_BACKOFF_EVENTS: i32 = 1024;

let skipEvents: i32 = 0;
let nextSkipEvents: i32 = MIN_BACKOFF_EVENTS;
let denials: i32 = 0;

/** Call once per market event before trading: true while backing off (and counts the event down). */
export function backingOff(): bool {
  if (skipEvents > 0) {
    skipEvents--;
    return true;
  }
  return false;
}

/**
 * A risk denial (`result` is submit_order's negative result): back off and
 * log the first denial and every 64th after it (the host caps lines per
 * callback anyway). `what` names the order in the log line.
 */
export function noteDenied(result: i32, what: string): void {
  denials++;
  skipEvents = nextSkipEvents;
  if (nextSkipEvents < MAX_BACKOFF_EVENTS) nextSkipEvents <<= 1;
  if ((denials & 63) == 1) {
    logLine().text(what).text(" denied: ").text(denialName(-result)).text(" (denials ").int(denials).text(")").warn();
  }
}

/** An order was accepted: the next denial backs off from the minimum again. */
export function noteAccepted(): void {
  nextSkipEvents = MIN_BACKOFF_EVENTS;
}

/** Back off now without a denial (e.g. the host cancelled our orders: kill switch). */
export function backOffNow(): void {
  skipEvents = nextSkipEvents;
}

/** Denials seen so far. */
export function denialCount(): i32 {
  return denials;
}
