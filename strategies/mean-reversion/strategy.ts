// Mean reversion: a rolling mean and standard deviation of the mid over the
// last `window` quotes (a fixed ring buffer allocated once in rf_start, with
// running integer sums). When the mid is more than k deviations below the
// mean it buys, above it sells (short); it exits when the mid returns to the
// mean, or when a timer fires hold_us after entry (time stop). See README.md.
//
// Allocation: the ring buffer, once, in rf_start. None per event.

import {
  abs64, cancelTimer, backingOff, denialCount, noteAccepted, noteDenied, isDenied, isqrt, logLine, marketEvent, orderEvent, param, paramInRange,
  position, ownPositionLots, setTimer, trackFill, timerEvent, tradeMarket, MAX_TIMER_DELAY_US, subscribeOnly, MarketData,
} from "ringfence";
export * from "ringfence/exports";

let instrument: i64 = -1;
let window: i32 = 64;
let kMilli: i64 = 2000;        // band = k_milli / 1000 standard deviations
let minDevTicks: i64 = 1;      // deviation floor: a flat market is not a signal
let qtyLots: i64 = 1;
let holdUs: i32 = 60_000_000;  // time stop
let allowShort = true;

// Samples are stored relative to a base (the first mid), so the running sum
// of squares stays within i64: |sample| <= MAX_OFFSET_TICKS and window <= 4096
// keep sumSq <= 2^52. A mid further than that from the base restarts the window.
const MAX_OFFSET_TICKS: i64 = 1 << 20;
/** Fractional bits of the mean and deviation (1/256 tick): whole ticks are too coarse for a quiet market. */
const FRAC: i32 = 8;
let ring: StaticArray<i64> = new StaticArray<i64>(0);
let baseTicks: i64 = 0;
let count: i32 = 0;
let next: i32 = 0;
let sum: i64 = 0;
let sumSq: i64 = 0;

let pendingId: i32 = 0;
let timerId: i32 = 0;
/** Tag of the current position's time stop; a timer with an older tag is stale. */
let entryTag: u32 = 0;


export function rf_start(): void {
  instrument = param("instrument", -1);
  // Only two-sided quotes of one instrument matter here: the host need not
  // call rf_on_market for anything else (fills and timers arrive regardless).
  if (instrument >= 0) subscribeOnly(<u32>instrument, MarketData.Quotes);
  window = <i32>paramInRange("window", 64, 2, 4096);
  kMilli = paramInRange("k_milli", 2000, 1, 1_000_000);
  minDevTicks = paramInRange("min_dev_ticks", 1, 0, 1_000_000_000);
  qtyLots = paramInRange("qty_lots", 1, 1, 1_000_000_000);
  holdUs = <i32>paramInRange("hold_us", 60_000_000, 0, MAX_TIMER_DELAY_US);
  allowShort = param("allow_short", 1) != 0;
  ring = new StaticArray<i64>(window); // the only allocation
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
  if (count == 0 || abs64(mid - baseTicks) > MAX_OFFSET_TICKS) restartWindow(mid);
  if (count == window) decide(mid);
  addSample(mid - baseTicks);
}

function restartWindow(mid: i64): void {
  baseTicks = mid;
  count = 0;
  next = 0;
  sum = 0;
  sumSq = 0;
}

function addSample(x: i64): void {
  if (count == window) {
    const old = unchecked(ring[next]);
    sum -= old;
    sumSq -= old * old;
  } else {
    count++;
  }
  unchecked((ring[next] = x));
  sum += x;
  sumSq += x * x;
  next = next + 1 == window ? 0 : next + 1;
}

/** Trades against a full window of earlier samples (the current mid is not in them yet). */
function decide(mid: i64): void {
  if (pendingId != 0) return;
  if (backingOff()) return;

  // Mean and variance in fixed point (FRAC bits), all in i64:
  //   mean = sum / n,  var = sumSq / n - mean^2.
  const n = <i64>count;
  const meanF = (sum << FRAC) / n;
  const meanSqF = ((sumSq / n) << (2 * FRAC)) + (((sumSq % n) << (2 * FRAC)) / n);
  let varF = meanSqF - meanF * meanF;
  if (varF < 0) varF = 0;
  let devF = isqrt(varF);
  if (devF < minDevTicks << FRAC) devF = minDevTicks << FRAC;
  const bandF = (devF * kMilli) / 1000;
  const xF = (mid - baseTicks) << FRAC;
  const meanTicks = baseTicks + (meanF >> FRAC);

  const inst = <u32>instrument;
  const pos = ownPositionLots(inst);
  if (pos == 0) {
    if (xF < meanF - bandF) enter(inst, qtyLots, mid, meanTicks);
    else if (allowShort && xF > meanF + bandF) enter(inst, -qtyLots, mid, meanTicks);
  } else if ((pos > 0 && xF >= meanF) || (pos < 0 && xF <= meanF)) {
    exit(inst, pos);
  }
}

function enter(inst: u32, delta: i64, mid: i64, meanTicks: i64): void {
  if (!send(inst, delta)) return;
  entryTag++;
  if (timerId != 0) cancelTimer(timerId);
  const t = setTimer(holdUs, entryTag);
  timerId = t > 0 ? t : 0;
  logLine().text(delta > 0 ? "buy " : "sell ").int(delta > 0 ? delta : -delta)
    .text(" at mid ").int(mid).text(", mean ").int(meanTicks).info();
}

function exit(inst: u32, pos: i64): void {
  if (!send(inst, -pos)) return;
  if (timerId != 0) { cancelTimer(timerId); timerId = 0; }
}

/** Sends a market order for delta lots; false when risk denied it. */
function send(inst: u32, delta: i64): bool {
  const id = tradeMarket(inst, delta);
  if (isDenied(id)) {
    noteDenied(id, "order");
    return false;
  }
  if (id <= 0) return false;
  pendingId = id;
  noteAccepted();
  return true;
}

export function rf_on_order(): void {
  const e = orderEvent();
  trackFill();
  if (pendingId == 0 || e.orderId != pendingId) return;
  if ((e.isFill && e.leavesLots == 0) || e.isDone) pendingId = 0;
}

export function rf_on_timer(): void {
  const t = timerEvent();
  if (t.timerId != timerId) return;
  timerId = 0;
  if (t.tag != entryTag || instrument < 0) return;
  const inst = <u32>instrument;
  const pos = ownPositionLots(inst);
  if (pos == 0 || pendingId != 0) return;
  logLine().text("time stop: position ").int(pos).info();
  send(inst, -pos);
}

export function rf_stop(): void {
  if (timerId != 0) { cancelTimer(timerId); timerId = 0; }
  if (instrument < 0) return;
  const p = position(<u32>instrument);
  logLine().text("mean-reversion stop: position ").int(p.lots).text(" fills ").int(p.fills)
    .text(" denials ").int(denialCount()).info();
}
