import type { InstrumentSpec } from "../feed/instrument.ts";
import type { OrderFields } from "../venue/orderFields.ts";
import type { VenueOrder } from "../venue/venueOrder.ts";

/**
 * Everything the host call table may touch for ONE strategy. The engine
 * (host/engine/strategyRunner.ts) implements it; the call table never
 * reaches anything else, so a strategy cannot observe or affect another
 * strategy or the host beyond these methods.
 */
export interface HostContext {
  /** Index of the market event being handled (-1 during start). */
  readonly eventIndex: number;
  /** Current event time in ns relative to the run's time origin (exact; see strategyRunner.ts). */
  readonly timeNs: number;
  /** Writes the absolute i64 event time for `rel` as (lo, hi) into words[w], words[w+1]. */
  writeAbsoluteTime(words: Int32Array, w: number, rel: number): void;
  readonly instruments: readonly InstrumentSpec[];

  /** Risk gate, then venue. Returns order id > 0 or -Denial. The only road to the venue. */
  submitOrder(order: OrderFields): number;
  /** Returns a HostStatus. */
  cancelOrder(orderId: number): number;
  /** Writes nothing; the call table reads the account through these. */
  positionLots(instrument: number): number;
  cashTicksLots(instrument: number): number;
  workingBuyLots(instrument: number): number;
  workingSellLots(instrument: number): number;
  workingOrderCount(instrument: number): number;
  fillCount(instrument: number): number;
  /** Working orders in ascending id order; the visitor returns false to stop. */
  visitWorkingOrders(visit: (orderId: number, o: Readonly<WorkingOrderView>) => boolean): void;
  /** Returns timer id > 0 or HostStatus.TooManyTimers. */
  setTimer(delayNs: number, tag: number): number;
  cancelTimer(timerId: number): number;
  /** Config value for key, or undefined. */
  param(key: string): number | undefined;
  /**
   * Sets the market data (MarketData mask) delivered for `instrument`
   * (ALL_INSTRUMENTS: every one) from the next market event on. The call
   * table has checked both; returns HostStatus.Ok.
   */
  subscribe(instrument: number, kinds: number): number;
  /** Returns HostStatus.Ok or LogDropped (over the per-callback budget). */
  log(level: number, text: string): number;
  /** Appends one host call to the strategy's audit chain (and the run's). */
  audit(call: string, args: readonly number[], result: number, detail?: string): void;
}

/** What read_orders copies out for a working order: the venue's own view (recycled; read it at once). */
export type WorkingOrderView = VenueOrder;
