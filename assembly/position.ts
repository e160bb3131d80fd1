// The strategy's own position and working orders, as the host's risk engine
// sees them. Each reader fills a static, 8-aligned record and returns an
// unmanaged view over it: no allocation. A view shows the last read; read
// again after anything that may have changed it (a fill, an order).

import { EVENT_BUFFER } from "./events";
import {
  EventKind, EventOffset, HostStatus, ORDER_VIEW_BYTES, Side, OrderViewOffset, POSITION_RECORD_BYTES, PositionOffset, RECORD_ALIGN,
} from "./abi";
import * as host from "./bindings";

// PositionRecord (abi.ts PositionOffset, host/abi/guestRecords.ts), 40 bytes:
//   0 positionLots i64 | 8 cashTicksLots i64 | 16 workingBuyLots i64 | 24 workingSellLots i64
//   32 workingOrders u32 | 36 fills u32
const POSITION: usize = memory.data(POSITION_RECORD_BYTES, RECORD_ALIGN);
let positionKnown: bool = false;

@final @unmanaged
export class PositionView {
  /** False when the host did not know the instrument (every field then reads 0). */
  @inline get known(): bool { return positionKnown; }
  /** Signed position: > 0 long, < 0 short. */
  @inline get lots(): i64 { return load<i64>(POSITION, PositionOffset.positionLots); }
  /** Sum over fills of (sell ? +1 : -1) * priceTicks * qtyLots; PnL = cash + lots * mark. */
  @inline get cashTicksLots(): i64 { return load<i64>(POSITION, PositionOffset.cashTicksLots); }
  @inline get workingBuyLots(): i64 { return load<i64>(POSITION, PositionOffset.workingBuyLots); }
  @inline get workingSellLots(): i64 { return load<i64>(POSITION, PositionOffset.workingSellLots); }
  @inline get workingOrders(): u32 { return load<u32>(POSITION, PositionOffset.workingOrders); }
  @inline get fills(): u32 { return load<u32>(POSITION, PositionOffset.fills); }
  /** Mark-to-market PnL in ticks x lots at `markTicks`. */
  @inline pnlTicksLots(markTicks: i64): i64 { return this.cashTicksLots + this.lots * markTicks; }
}

/** Reads the position in `instrument` (read_position). No allocation. */
export function position(instrument: u32): PositionView {
  const rc = host.readPosition(instrument, POSITION);
  positionKnown = rc == HostStatus.Ok;
  if (!positionKnown) memory.fill(POSITION, 0, POSITION_RECORD_BYTES);
  return changetype<PositionView>(POSITION);
}

/** Shorthand for position(instrument).lots. No allocation. */
export function positionLots(instrument: u32): i64 {
  return position(instrument).lots;
}

// OrderView (abi.ts OrderViewOffset, host/abi/guestRecords.ts), 40 bytes each:
//   0 orderId u32 | 4 instrument u32 | 8 side u8 | 9 type u8 | 10 tif u8 | 11 rsv u8 | 12 clientTag u32
//   | 16 priceTicks i64 | 24 leavesLots i64 | 32 filledLots i64

/** Most working orders one orders() call can return; the host charges fuel per slot offered. */
export const ORDER_LIST_CAPACITY: i32 = 64;
const ORDER_VIEWS: usize = memory.data(ORDER_VIEW_BYTES * ORDER_LIST_CAPACITY, RECORD_ALIGN);
let orderCount: i32 = 0;
let orderTotal: i32 = 0;

@final @unmanaged
export class OrderView {
  @inline get orderId(): i32 { return load<i32>(changetype<usize>(this), OrderViewOffset.orderId); }
  @inline get instrument(): u32 { return load<u32>(changetype<usize>(this), OrderViewOffset.instrument); }
  @inline get side(): i32 { return load<u8>(changetype<usize>(this), OrderViewOffset.side); }
  @inline get type(): i32 { return load<u8>(changetype<usize>(this), OrderViewOffset.type); }
  @inline get tif(): i32 { return load<u8>(changetype<usize>(this), OrderViewOffset.tif); }
  @inline get clientTag(): u32 { return load<u32>(changetype<usize>(this), OrderViewOffset.clientTag); }
  @inline get priceTicks(): i64 { return load<i64>(changetype<usize>(this), OrderViewOffset.priceTicks); }
  @inline get leavesLots(): i64 { return load<i64>(changetype<usize>(this), OrderViewOffset.leavesLots); }
  @inline get filledLots(): i64 { return load<i64>(changetype<usize>(this), OrderViewOffset.filledLots); }
}

@final @unmanaged
export class OrderList {
  /** Orders in this list (<= the capacity asked for). */
  @inline get count(): i32 { return orderCount; }
  /** Working orders the host has; more than count when the list was too small. */
  @inline get total(): i32 { return orderTotal; }
  /** The i-th order, 0 <= i < count; aborts outside that range. */
  at(i: i32): OrderView {
    if (<u32>i >= <u32>orderCount) abort("order index out of range");
    return changetype<OrderView>(ORDER_VIEWS + <usize>i * ORDER_VIEW_BYTES);
  }
}

/**
 * Reads up to `max` (<= ORDER_LIST_CAPACITY) working orders (read_orders).
 * Ask only for as many as you need: fuel is charged per slot. No allocation.
 */
export function orders(max: i32 = ORDER_LIST_CAPACITY): OrderList {
  if (max > ORDER_LIST_CAPACITY) max = ORDER_LIST_CAPACITY;
  if (max < 0) max = 0;
  const total = host.readOrders(ORDER_VIEWS, max);
  orderTotal = total;
  orderCount = total < max ? total : max;
  return changetype<OrderList>(ORDER_VIEWS);
}

// Own position from own fills. Every fill of ours reaches rf_on_order, so a
// strategy that calls trackFill() there always knows its position without a
// read_position host call on the tick path (each host call is audited and
// costs fuel). Kept for instruments 0..OWN_POSITION_INSTRUMENTS-1 in a static
// table; ownPositionLots() asks the host for any other instrument.
export const OWN_POSITION_INSTRUMENTS: u32 = 64;
const OWN_POSITIONS: usize = memory.data(<i32>OWN_POSITION_INSTRUMENTS * 8, 8);

/** Call first thing in rf_on_order: a Fill updates ownPositionLots(). No allocation. */
export function trackFill(): void {
  if (load<i32>(EVENT_BUFFER, EventOffset.kind) != EventKind.Fill) return;
  const instrument = load<u32>(EVENT_BUFFER, EventOffset.instrument);
  if (instrument >= OWN_POSITION_INSTRUMENTS) return;
  const lots = load<i64>(EVENT_BUFFER, EventOffset.qty);
  const at = OWN_POSITIONS + (<usize>instrument << 3);
  store<i64>(at, load<i64>(at) + (load<i32>(EVENT_BUFFER, EventOffset.flags) == Side.Buy ? lots : -lots));
}

/** Signed position in lots, kept from own fills (see trackFill). */
export function ownPositionLots(instrument: u32): i64 {
  if (instrument >= OWN_POSITION_INSTRUMENTS) return position(instrument).lots;
  return load<i64>(OWN_POSITIONS + (<usize>instrument << 3));
}
