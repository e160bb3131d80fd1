// The ringfence strategy SDK. A strategy imports what it uses from here and
// re-exports the guest ABI from "ringfence/exports":
//
//   import { marketEvent, buyLimit, param } from "ringfence";
//   export * from "ringfence/exports";
//   export function rf_on_market(): void { ... }
//
// Nothing in this SDK allocates except where a comment says so; the host
// calls themselves live in bindings.ts and the byte layouts in abi.ts.

import "./abort";

export {
  ABI_VERSION, EventKind, Side, OrderType, TimeInForce, OrderStatus, Denial, HostStatus, LogLevel, MarketData, ALL_INSTRUMENTS,
  MAX_LOG_BYTES, MAX_LOG_LINES_PER_CALLBACK, MAX_PARAM_KEY_BYTES, MAX_PENDING_TIMERS, MAX_TIMER_DELAY_US,
  denialName,
} from "./abi";
export {
  EventView, MarketEvent, OrderEvent, TimerEvent, currentEvent, marketEvent, orderEvent, timerEvent,
} from "./events";
export {
  submit, buyLimit, sellLimit, buyMarket, sellMarket, tradeMarket, cancel, isDenied, denialOf,
} from "./orders";
export { PositionView, OrderView, OrderList, ORDER_LIST_CAPACITY, position, positionLots, orders, trackFill, ownPositionLots, OWN_POSITION_INSTRUMENTS } from "./position";
export { log, logDebug, logInfo, logWarn, logError, LogLine, logLine } from "./log";
export { param, hasParam, paramInRange } from "./params";
export { nowNs, setTimer, cancelTimer } from "./clock";
export { InstrumentInfoView, instrumentInfo } from "./instrument";
export { subscribe, subscribeOnly, SUBSCRIBE_BAD_KINDS } from "./subscriptions";
export { isqrt, clamp64, abs64, emaStep } from "./math";
export { backingOff, noteDenied, noteAccepted, backOffNow, denialCount, MIN_BACKOFF_EVENTS, MAX_BACKOFF_EVENTS } from "./backoff";
