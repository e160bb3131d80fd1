// Momentum: a fast/slow EMA crossover on the mid, in fixed-point integers.
// Fast above slow by more than the threshold -> target long; below by more
// than the threshold -> target short (or flat when shorting is off). Moves
// to the target with market (IOC) orders, one at a time. Exits on the
// opposite signal or when the mid moves stop_ticks against the entry; after
// a stop it stays flat until the signal flips. See README.md.
//
// Allocation: none after rf_start.

import {
  backingOff, denialCount, noteAccepted, noteDenied, emaStep, isDenied, logLine, marketEvent, orderEvent, param, paramInRange,
  position, ownPositionLots, trackFill, tradeMarket, subscribeOnly, MarketData,
} from "ringfence";
export * from "ringfence/exports";

/** Fractional bits of the EMAs: 16 keeps sub-tick resolution with room for prices up to 2^46 ticks. */
const SHIFT: i32 = 16;

let instrument: i64 = -1;
let fastPeriod: i64 = 8;
let slowPeriod: i64 = 32;
let thresholdTicks: i64 = 1;
let qtyLots: i64 = 1;
let stopTicks: i64 = 20;
let allowShort = true;

let fastEma: i64 = 0;
let slowEma: i64 = 0;
let samples: i64 = 0;

/** +1 long, -1 short, 0 flat: the direction the strategy wants. */
let signal: i32 = 0;
/** Direction a stop closed; no re-entry that way until the signal flips. */
let stoppedDirection: i32 = 0;
/** Price of the fill that opened the current position (0 when flat). */
let entryTicks: i64 = 0;
/** Sign of the position entryTicks belongs to. */
let entrySign: i32 = 0;
/** Our market order in flight, 0 when none: one at a time keeps the position exact. */
let pendingId: i32 = 0;


export function rf_start(): void {
  instrument = param("instrument", -1);
  // Only two-sided quotes of one instrument matter here: the host need not
  // call rf_on_market for anything else (fills and timers arrive regardless).
  if (instrument >= 0) subscribeOnly(<u32>instrument, MarketData.Quotes);
  fastPeriod = paramInRange("fast_period", 8, 1, 100_000);
  slowPeriod = paramInRange("slow_period", 32, 2, 1_000_000);
  if (slowPeriod <= fastPeriod) slowPeriod = fastPeriod + 1;
  thresholdTicks = paramInRange("threshold_ticks", 1, 0, 1_000_000);
  qtyLots = paramInRange("qty_lots", 1, 1, 1_000_000_000);
  stopTicks = paramInRange("stop_ticks", 20, 1, 1_000_000_000);
  allowShort = param("allow_short", 1) != 0;
}

export function rf_on_market(): void {
  const e = marketEvent();
  if (!e.isTwoSided) return;
  if (instrument < 0) {
    instrument = e.instrument;
    subscribeOnly(<u32>instrument, MarketData.Quotes);
  }
  if (<i64>e.instrument != instrument) return;

  const mid = e.midTicks;
  if (samples == 0) {
    fastEma = mid << SHIFT;
    slowEma = fastEma;
  } else {
    fastEma = emaStep(fastEma, mid, fastPeriod, SHIFT);
    slowEma = emaStep(slowEma, mid, slowPeriod, SHIFT);
  }
  samples++;
  if (samples < slowPeriod) return; // warm-up: the slow average means little before this

  const diff = fastEma - slowEma;
  const threshold = thresholdTicks << SHIFT;
  let newSignal = signal;
  if (diff > threshold) newSignal = 1;
  else if (diff < -threshold) newSignal = allowShort ? -1 : 0;
  if (newSignal != signal) {
    signal = newSignal;
    stoppedDirection = 0; // a flip re-arms entries
  }

  if (pendingId != 0) return;
  if (backingOff()) return;

  const inst = <u32>instrument;
  const pos = ownPositionLots(inst);

  // Stop: the mid moved stop_ticks against the entry.
  if (pos != 0 && entryTicks != 0) {
    const adverse = pos > 0 ? entryTicks - mid : mid - entryTicks;
    if (adverse >= stopTicks) {
      stoppedDirection = pos > 0 ? 1 : -1;
      logLine().text("stop: adverse ").int(adverse).text(" ticks, position ").int(pos).info();
      send(inst, -pos);
      return;
    }
  }

  let target: i64 = <i64>signal * qtyLots;
  if (signal != 0 && signal == stoppedDirection) target = 0;
  if (target != pos) send(inst, target - pos);
}

function send(inst: u32, delta: i64): void {
  const id = tradeMarket(inst, delta);
  if (isDenied(id)) {
    noteDenied(id, "order");
  } else if (id > 0) {
    pendingId = id;
    noteAccepted();
  }
}

export function rf_on_order(): void {
  const e = orderEvent();
  trackFill();
  if (e.orderId != pendingId || pendingId == 0) return;
  if (e.isFill) {
    // The fill that opens (or flips) the position sets the stop reference;
    // one that flattens it clears it.
    const pos = ownPositionLots(<u32>instrument);
    const sign: i32 = pos > 0 ? 1 : pos < 0 ? -1 : 0;
    if (sign != entrySign) {
      entrySign = sign;
      entryTicks = sign == 0 ? 0 : e.fillTicks;
    }
    if (e.leavesLots == 0) pendingId = 0;
  } else if (e.isDone) {
    pendingId = 0;
  }
}

export function rf_stop(): void {
  if (instrument < 0) return;
  const p = position(<u32>instrument);
  logLine().text("momentum stop: position ").int(p.lots).text(" fills ").int(p.fills)
    .text(" denials ").int(denialCount()).info();
}
