// The event buffer and typed views over it. The host copies each 64-byte
// event record here before calling rf_on_market / rf_on_order / rf_on_timer;
// a view is valid until the callback returns. Views are unmanaged classes
// over one static buffer: getting one allocates nothing.
//
//   0               4               8                              16
//   +---------------+---------------+-------------------------------+
//   | kind     u32  | instrument u32| seq                       i64 |
//   +---------------+---------------+-------------------------------+
//   | timeNs                    i64 | price                     i64 |  16..32
//   +-------------------------------+-------------------------------+
//   | qty                       i64 | price2                    i64 |  32..48
//   +-------------------------------+-------------------------------+
//   | qty2                      i64 | ref   u32     | flags   u32   |  48..64
//   +-------------------------------+---------------+---------------+
//
//   kind         price          qty          price2     qty2            ref        flags
//   Quote        bid ticks      bid lots     ask ticks  ask lots        0          0
//   Trade        trade ticks    trade lots   0          0               0          aggressor Side (0 unknown)
//   Fill         fill ticks     fill lots    0          leaves lots     order id   Side
//   OrderUpdate  limit ticks    leaves lots  0          cum filled lots order id   OrderStatus | reason << 8
//   Timer        0              0            0          0               timer id   tag
//
// Offsets come from abi.ts (EventOffset), mirrored from host/abi/eventRecord.ts.

import { EVENT_RECORD_ALIGN, EVENT_RECORD_BYTES, EventKind, EventOffset, OrderStatus } from "./abi";

/** Address of the 64-byte, 8-aligned event buffer (exported as rf_event_buffer). */
export const EVENT_BUFFER: usize = memory.data(EVENT_RECORD_BYTES, EVENT_RECORD_ALIGN);

/** Fields every event has. */
@final @unmanaged
export class EventView {
  /** EventKind. */
  @inline get kind(): i32 { return load<i32>(EVENT_BUFFER, EventOffset.kind); }
  @inline get instrument(): u32 { return load<u32>(EVENT_BUFFER, EventOffset.instrument); }
  /** Feed sequence number (Quote/Trade) or that of the market event that caused this one. */
  @inline get seq(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.seq); }
  /** Event time, ns since the Unix epoch: the only clock a strategy has. */
  @inline get timeNs(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.timeNs); }
}

/** A Quote or Trade (rf_on_market). */
@final @unmanaged
export class MarketEvent {
  @inline get kind(): i32 { return load<i32>(EVENT_BUFFER, EventOffset.kind); }
  @inline get instrument(): u32 { return load<u32>(EVENT_BUFFER, EventOffset.instrument); }
  @inline get seq(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.seq); }
  @inline get timeNs(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.timeNs); }

  @inline get isQuote(): bool { return this.kind == EventKind.Quote; }
  @inline get isTrade(): bool { return this.kind == EventKind.Trade; }

  // Quote
  @inline get bidTicks(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.price); }
  @inline get bidLots(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.qty); }
  @inline get askTicks(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.price2); }
  @inline get askLots(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.qty2); }
  /** True when a Quote has a price on both sides and is not crossed. */
  @inline get isTwoSided(): bool {
    const bid = this.bidTicks;
    const ask = this.askTicks;
    return this.kind == EventKind.Quote && bid > 0 && ask > bid;
  }
  /** (bid + ask) / 2 rounded down; meaningful when isTwoSided. */
  @inline get midTicks(): i64 { return (this.bidTicks + this.askTicks) >> 1; }

  // Trade
  @inline get tradeTicks(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.price); }
  @inline get tradeLots(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.qty); }
  /** Side of the aggressor, 0 when unknown. */
  @inline get aggressor(): i32 { return load<i32>(EVENT_BUFFER, EventOffset.flags); }
}

/** A Fill or OrderUpdate for one of the strategy's own orders (rf_on_order). */
@final @unmanaged
export class OrderEvent {
  @inline get kind(): i32 { return load<i32>(EVENT_BUFFER, EventOffset.kind); }
  @inline get instrument(): u32 { return load<u32>(EVENT_BUFFER, EventOffset.instrument); }
  @inline get seq(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.seq); }
  @inline get timeNs(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.timeNs); }

  @inline get isFill(): bool { return this.kind == EventKind.Fill; }
  @inline get isUpdate(): bool { return this.kind == EventKind.OrderUpdate; }
  /** The order id submit_order returned. */
  @inline get orderId(): i32 { return load<i32>(EVENT_BUFFER, EventOffset.ref); }

  // Fill
  @inline get fillTicks(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.price); }
  @inline get fillLots(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.qty); }
  /** Side of the filled order (Fill only). */
  @inline get side(): i32 { return load<i32>(EVENT_BUFFER, EventOffset.flags); }

  // Fill: leaves after this fill; OrderUpdate: leaves now.
  @inline get leavesLots(): i64 {
    return this.kind == EventKind.Fill
      ? load<i64>(EVENT_BUFFER, EventOffset.qty2)
      : load<i64>(EVENT_BUFFER, EventOffset.qty);
  }

  // OrderUpdate
  @inline get limitTicks(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.price); }
  @inline get cumFilledLots(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.qty2); }
  /** OrderStatus (OrderUpdate only). */
  @inline get status(): i32 { return load<i32>(EVENT_BUFFER, EventOffset.flags) & 0xff; }
  /** Host reason code for the status (OrderUpdate only; 0 when none). */
  @inline get reason(): i32 { return load<u32>(EVENT_BUFFER, EventOffset.flags) >>> 8; }
  /** True when an OrderUpdate says the order is no longer working. */
  @inline get isDone(): bool {
    const s = this.status;
    return this.kind == EventKind.OrderUpdate && (
      s == OrderStatus.Filled || s == OrderStatus.Cancelled ||
      s == OrderStatus.Expired || s == OrderStatus.CancelledByRisk
    );
  }
}

/** A timer set with setTimer fired (rf_on_timer). */
@final @unmanaged
export class TimerEvent {
  @inline get instrument(): u32 { return load<u32>(EVENT_BUFFER, EventOffset.instrument); }
  @inline get timeNs(): i64 { return load<i64>(EVENT_BUFFER, EventOffset.timeNs); }
  /** The id setTimer returned. */
  @inline get timerId(): i32 { return load<i32>(EVENT_BUFFER, EventOffset.ref); }
  /** The tag passed to setTimer. */
  @inline get tag(): u32 { return load<u32>(EVENT_BUFFER, EventOffset.flags); }
}

/** The current event's common fields. No allocation. */
@inline export function currentEvent(): EventView { return changetype<EventView>(EVENT_BUFFER); }
/** The current event as a Quote/Trade; use in rf_on_market. No allocation. */
@inline export function marketEvent(): MarketEvent { return changetype<MarketEvent>(EVENT_BUFFER); }
/** The current event as a Fill/OrderUpdate; use in rf_on_order. No allocation. */
@inline export function orderEvent(): OrderEvent { return changetype<OrderEvent>(EVENT_BUFFER); }
/** The current event as a Timer; use in rf_on_timer. No allocation. */
@inline export function timerEvent(): TimerEvent { return changetype<TimerEvent>(EVENT_BUFFER); }
