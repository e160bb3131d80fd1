// Order entry. Every helper writes the 32-byte OrderRequest into one static,
// 8-aligned scratch record and calls submit_order: no allocation per order.
//
// OrderRequest (abi.ts OrderRequestOffset, host/abi/guestRecords.ts):
//   0            4      5      6      7      8                16               24            28           32
//   | instrument | side | type | tif  | rsv0 | priceTicks i64 | qtyLots i64    | clientTag u32| rsv1 u32  |
//
// Results: an order id > 0, or -Denial when pre-trade risk refuses (see
// isDenied/denialOf). A denial is an ordinary result, not an error: the risk
// engine is the only road to the venue and it may say no at any time.
// Arguments the host cannot accept at all (qty <= 0, a limit price <= 0, a
// bad enum) are a bad_host_call fault that stops the strategy, so these
// helpers check them first and return 0 ("not sent") instead.

import {
  ORDER_REQUEST_BYTES, OrderRequestOffset, OrderType, RECORD_ALIGN, Side, TimeInForce,
} from "./abi";
import * as host from "./bindings";

const REQUEST: usize = memory.data(ORDER_REQUEST_BYTES, RECORD_ALIGN);

// The host reads an i64 as a JS number and faults (bad_host_call) on one
// outside ±2^53 (host/abi/int64.ts), so the largest price or size it takes
// is 2^53 - 1, not i64.MAX_VALUE.
const MAX_ABI_INT: i64 = 9007199254740991;

/**
 * Submits an order. Returns the order id (> 0), -Denial (< 0) when risk
 * refuses, or 0 when the arguments are invalid and nothing was sent
 * (qtyLots outside 1..2^53-1; a limit with priceTicks outside 1..2^53-1; a
 * market order with a price; a bad enum). Market orders pass priceTicks = 0.
 * No allocation.
 */
export function submit(
  instrument: u32, side: Side, type: OrderType, tif: TimeInForce,
  priceTicks: i64, qtyLots: i64, clientTag: u32 = 0,
): i32 {
  if (qtyLots <= 0 || qtyLots > MAX_ABI_INT) return 0;
  if (side != Side.Buy && side != Side.Sell) return 0;
  if (tif != TimeInForce.GTC && tif != TimeInForce.IOC) return 0;
  if (type == OrderType.Limit) {
    if (priceTicks <= 0 || priceTicks > MAX_ABI_INT) return 0;
  } else if (type == OrderType.Market) {
    if (priceTicks != 0) return 0;
  } else {
    return 0;
  }
  store<u32>(REQUEST, instrument, OrderRequestOffset.instrument);
  store<u8>(REQUEST, <u8>side, OrderRequestOffset.side);
  store<u8>(REQUEST, <u8>type, OrderRequestOffset.type);
  store<u8>(REQUEST, <u8>tif, OrderRequestOffset.tif);
  store<u8>(REQUEST, 0, OrderRequestOffset.reserved0);
  store<i64>(REQUEST, priceTicks, OrderRequestOffset.priceTicks);
  store<i64>(REQUEST, qtyLots, OrderRequestOffset.qtyLots);
  store<u32>(REQUEST, clientTag, OrderRequestOffset.clientTag);
  store<u32>(REQUEST, 0, OrderRequestOffset.reserved1);
  return host.submitOrder(REQUEST);
}

/** Buy limit order (GTC unless told). See submit for results. */
export function buyLimit(instrument: u32, priceTicks: i64, qtyLots: i64, tif: TimeInForce = TimeInForce.GTC, clientTag: u32 = 0): i32 {
  return submit(instrument, Side.Buy, OrderType.Limit, tif, priceTicks, qtyLots, clientTag);
}

/** Sell limit order (GTC unless told). See submit for results. */
export function sellLimit(instrument: u32, priceTicks: i64, qtyLots: i64, tif: TimeInForce = TimeInForce.GTC, clientTag: u32 = 0): i32 {
  return submit(instrument, Side.Sell, OrderType.Limit, tif, priceTicks, qtyLots, clientTag);
}

/** Buy at market (IOC: any remainder that finds no liquidity expires). See submit. */
export function buyMarket(instrument: u32, qtyLots: i64, clientTag: u32 = 0): i32 {
  return submit(instrument, Side.Buy, OrderType.Market, TimeInForce.IOC, 0, qtyLots, clientTag);
}

/** Sell at market (IOC). See submit. */
export function sellMarket(instrument: u32, qtyLots: i64, clientTag: u32 = 0): i32 {
  return submit(instrument, Side.Sell, OrderType.Market, TimeInForce.IOC, 0, qtyLots, clientTag);
}

/**
 * Market order that moves the position by `deltaLots` (> 0 buys, < 0 sells,
 * 0 sends nothing and returns 0). See submit.
 */
export function tradeMarket(instrument: u32, deltaLots: i64, clientTag: u32 = 0): i32 {
  if (deltaLots > 0) return buyMarket(instrument, deltaLots, clientTag);
  if (deltaLots < 0) return sellMarket(instrument, -deltaLots, clientTag);
  return 0;
}

/**
 * Cancels a working order: 0, or HostStatus.UnknownOrder / OrderNotWorking
 * (it already filled, expired or was cancelled — usually harmless).
 * The Cancelled OrderUpdate arrives later via rf_on_order.
 */
export function cancel(orderId: i32): i32 {
  return host.cancelOrder(orderId);
}

/** True when a submit result is a risk denial. */
@inline export function isDenied(result: i32): bool { return result < 0; }

/** The Denial code of a submit result (0 when it is not a denial). */
@inline export function denialOf(result: i32): i32 { return result < 0 ? -result : 0; }
