// Market maker: one GTC bid and one GTC ask around the mid, both shifted
// against inventory (long -> both quotes lower, so the ask fills more easily
// and the bid less), the side that would push inventory past the cap left
// out, requoted when the mid moves or a fill changes inventory. See README.md.
//
// Allocation: none after rf_start. State is a handful of globals.

import {
  abs64, cancel, backingOff, backOffNow, denialCount, noteAccepted, noteDenied, isDenied, logLine, marketEvent, orderEvent, OrderStatus, param, paramInRange,
  position, ownPositionLots, trackFill, sellLimit, buyLimit, subscribeOnly, MarketData,
} from "ringfence";
export * from "ringfence/exports";

// Parameters (read once in rf_start).
let instrument: i64 = -1;       // -1: the first instrument that quotes
let spreadTicks: i64 = 4;       // distance between our bid and ask when flat
let qtyLots: i64 = 1;           // size of each quote
let maxInventoryLots: i64 = 10; // |position| never exceeds this through our quotes
let skewTicksPerLot: i64 = 1;   // both quotes move by -position * this
let requoteTicks: i64 = 1;      // requote when the mid moved this far from the quoted mid

// Quote state. An id of 0 means "no order on that side".
let bidId: i32 = 0;
let bidPx: i64 = 0;
let bidQty: i64 = 0;
let askId: i32 = 0;
let askPx: i64 = 0;
let askQty: i64 = 0;
let quotedMid: i64 = 0;
let inventoryChanged = true;


export function rf_start(): void {
  instrument = param("instrument", -1);
  // Only two-sided quotes of one instrument matter here: the host need not
  // call rf_on_market for anything else (fills and timers arrive regardless).
  if (instrument >= 0) subscribeOnly(<u32>instrument, MarketData.Quotes);
  spreadTicks = paramInRange("spread_ticks", 4, 2, 1_000_000);
  qtyLots = paramInRange("qty_lots", 1, 1, 1_000_000_000);
  maxInventoryLots = paramInRange("max_inventory_lots", 10, 0, 1_000_000_000);
  skewTicksPerLot = paramInRange("skew_ticks_per_lot", 1, 0, 1_000_000);
  requoteTicks = paramInRange("requote_ticks", 1, 1, 1_000_000);
}

export function rf_on_market(): void {
  const e = marketEvent();
  if (!e.isTwoSided) return;
  if (instrument < 0) {
    instrument = e.instrument;
    subscribeOnly(<u32>instrument, MarketData.Quotes);
  }
  if (<i64>e.instrument != instrument) return;
  if (backingOff()) return;

  const mid = e.midTicks;
  const moved = abs64(mid - quotedMid) >= requoteTicks;
  // A side missing because inventory is at the cap stays missing until a move or a fill.
  if (!moved && !inventoryChanged) return;
  requote(mid, e.bidTicks, e.askTicks);
}

function requote(mid: i64, bestBid: i64, bestAsk: i64): void {
  const inst = <u32>instrument;
  // Kept from our own fills (trackFill): a read_position host call per
  // requote was a fifth of this strategy's audited calls.
  const pos = ownPositionLots(inst);
  const skew = pos * skewTicksPerLot;
  const half = spreadTicks >> 1;

  let newBidPx = mid - half - skew;
  let newAskPx = mid + (spreadTicks - half) - skew;
  // Stay passive: a quote that crosses the book would trade as a taker.
  if (newBidPx >= bestAsk) newBidPx = bestAsk - 1;
  if (newAskPx <= bestBid) newAskPx = bestBid + 1;

  // Only quote what keeps |position| within the cap if it all fills.
  let newBidQty = maxInventoryLots - pos;
  if (newBidQty > qtyLots) newBidQty = qtyLots;
  let newAskQty = maxInventoryLots + pos;
  if (newAskQty > qtyLots) newAskQty = qtyLots;

  quotedMid = mid;
  inventoryChanged = false;

  if (bidId == 0 || newBidPx != bidPx || newBidQty != bidQty) {
    if (bidId != 0) { cancel(bidId); bidId = 0; }
    if (newBidQty > 0 && newBidPx > 0) {
      const id = buyLimit(inst, newBidPx, newBidQty);
      if (isDenied(id)) { onDenied(id); return; }
      if (id > 0) { bidId = id; bidPx = newBidPx; bidQty = newBidQty; accepted(); }
    }
  }
  if (askId == 0 || newAskPx != askPx || newAskQty != askQty) {
    if (askId != 0) { cancel(askId); askId = 0; }
    if (newAskQty > 0) {
      const id = sellLimit(inst, newAskPx, newAskQty);
      if (isDenied(id)) { onDenied(id); return; }
      if (id > 0) { askId = id; askPx = newAskPx; askQty = newAskQty; accepted(); }
    }
  }
}

function accepted(): void {
  noteAccepted();
}

function onDenied(result: i32): void {
  noteDenied(result, "quote");
  // Force a full requote once the backoff ends.
  inventoryChanged = true;
}

export function rf_on_order(): void {
  const e = orderEvent();
  trackFill();
  const id = e.orderId;
  if (id == 0 || (id != bidId && id != askId)) return;
  if (e.isFill) {
    inventoryChanged = true;
    if (e.leavesLots == 0) forget(id);
  } else if (e.isDone) {
    forget(id);
    // Cancelled by the host (kill switch, risk): back off before quoting again.
    if (e.status == OrderStatus.CancelledByRisk) backOffNow();
    inventoryChanged = true;
  }
}

function forget(id: i32): void {
  if (id == bidId) bidId = 0;
  if (id == askId) askId = 0;
}

export function rf_stop(): void {
  if (bidId != 0) { cancel(bidId); bidId = 0; }
  if (askId != 0) { cancel(askId); askId = 0; }
  if (instrument >= 0) {
    const p = position(<u32>instrument);
    logLine().text("market-maker stop: position ").int(p.lots).text(" fills ").int(p.fills)
      .text(" denials ").int(denialCount()).info();
  }
}
