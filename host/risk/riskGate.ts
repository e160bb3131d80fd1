import { Denial, KillSwitchState, OrderType, Side } from "../abi/codes.ts";
import type { OrderFields } from "../venue/orderFields.ts";
import { compareProducts } from "./exactMath.ts";
import { MAX_RISK_LOTS, riskLimits, type RiskLimits } from "./riskLimits.ts";

/**
 * What the gate reads about one strategy's account and market. The engine
 * (or SimVenue.riskView) implements it. Lots are integers; a view value that
 * is not a safe integer within ±2^50 (lots) or >= 0 (counts) is treated as
 * broken and the check that reads it denies (fail closed).
 */
export interface RiskView {
  positionLots(instrument: number): number;
  workingBuyLots(instrument: number): number;
  workingSellLots(instrument: number): number;
  /** Working orders across all instruments. */
  workingOrders(): number;
  /** 0 (or anything not a positive safe integer) means "no reference price yet". */
  referencePriceTicks(instrument: number): number;
  readonly instrumentCount: number;
}

/** Basis points per unit. */
const BPS = 10_000;
/** One slot per Denial code (codes start at 1). */
const DENIAL_SLOTS = Math.max(...Object.values(Denial)) + 1;

function isLots(v: number): boolean {
  return Number.isSafeInteger(v) && v <= MAX_RISK_LOTS && v >= -MAX_RISK_LOTS;
}

function isWorkingLots(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 0 && v <= MAX_RISK_LOTS;
}

/**
 * The pre-trade risk gate: the only road from a strategy to its venue.
 * check() runs these checks in this fixed order and returns the first
 * failure as a Denial (host/abi/codes.ts), or 0 when all pass:
 *
 *   1. UnknownInstrument   instrument is not an integer in [0, instrumentCount)
 *   2. KillSwitchHalted    kill switch Halted: every order
 *      KillSwitchReducing  kill switch Reducing: an order that does not reduce
 *                          |position| even if every working order on its side
 *                          fills (sell: position > 0 and workingSell + qty <= position;
 *                          buy: position < 0 and workingBuy + qty <= -position)
 *   3. MaxOrderQty         qtyLots not an integer in [1, maxOrderQtyLots]
 *   4. NoReferencePrice    referencePriceTicks is not a positive integer
 *   5. PriceCollar         limit: price not a positive integer, or
 *                          |price - ref| * 10000 > priceCollarBps * ref;
 *                          market orders have no collar; any other type is denied
 *   6. MaxNotional         qty * (limit price, or ref for market) > maxNotionalTicksLots
 *   7. MaxPosition         buy: position + workingBuy + qty > maxPositionLots;
 *                          sell: position - workingSell - qty < -maxPositionLots;
 *                          any other side is denied
 *   8. MaxWorkingOrders    workingOrders >= maxWorkingOrders
 *   9. Throttle            throttleMaxOrders orders already accepted in the
 *                          last throttleWindowNs of event time
 *
 * Each check validates the fields it reads and fails closed, so check()
 * answers every input, however malformed, without throwing. Time-in-force
 * and clientTag are not risk inputs. Cancels never pass through the gate:
 * they only reduce risk.
 *
 * Integer math is exact: products (notional, collar) go through
 * compareProducts; sums of lots are bounded by 3 * 2^50 (see MAX_RISK_LOTS).
 *
 * Event time never runs backwards for the gate: a timeNs that is not a safe
 * integer or is earlier than the latest one seen counts as the latest one.
 */
export class RiskGate {
  readonly limits: RiskLimits;
  /** Count per Denial code (index = code; index 0 unused). */
  readonly denials: Int32Array = new Int32Array(DENIAL_SLOTS);
  private readonly view: RiskView;
  private state: KillSwitchState = KillSwitchState.Active;
  private acceptedCount = 0;
  private lastTimeNs = -Number.MAX_SAFE_INTEGER;
  /** Event times of the most recent accepted orders (at most throttleMaxOrders), oldest at `head`. */
  private readonly recent: Float64Array;
  private head = 0;
  private recentCount = 0;

  /** Validates `limits` again (RangeError naming the field), so a hand-built object cannot slip past riskLimits(). */
  constructor(limits: RiskLimits, view: RiskView) {
    this.limits = riskLimits({ ...limits });
    this.view = view;
    this.recent = new Float64Array(this.limits.throttleMaxOrders);
    // Touch every page now. A large typed array is mapped lazily and the
    // throttle log fills it in order, so with a high throttle (1 M orders,
    // 8 MB) every 512th order took a page fault inside the risk check: a
    // tick-to-order sample 2–3 µs slow every 512 events, through the first
    // lap of the log (measured in a worker, bench latency's ping strategy).
    this.recent.fill(0);
  }

  get killSwitch(): KillSwitchState {
    return this.state;
  }

  /** Throws RangeError on a value outside KillSwitchState (a host bug, not guest input). */
  setKillSwitch(s: KillSwitchState): void {
    if (s !== KillSwitchState.Active && s !== KillSwitchState.Reducing && s !== KillSwitchState.Halted) {
      throw new RangeError(`RiskGate.setKillSwitch: state must be 0 (active), 1 (reducing) or 2 (halted), got ${String(s)}`);
    }
    this.state = s;
  }

  /** Orders that passed every check. */
  get accepted(): number {
    return this.acceptedCount;
  }

  /**
   * 0 when the order may go to the venue (it is then counted in the
   * throttle window), else the Denial code. Never throws, never allocates.
   */
  check(order: OrderFields, timeNs: number): number {
    if (Number.isSafeInteger(timeNs) && timeNs > this.lastTimeNs) this.lastTimeNs = timeNs;
    const d = this.firstDenial(order, this.lastTimeNs);
    if (d !== 0) {
      this.denials[d]++;
      return d;
    }
    this.record(this.lastTimeNs);
    this.acceptedCount++;
    return 0;
  }

  private firstDenial(order: OrderFields, t: number): number {
    const view = this.view;
    const lim = this.limits;
    const i = order.instrument;
    if (!Number.isInteger(i) || i < 0 || i >= view.instrumentCount) return Denial.UnknownInstrument;

    const side = order.side;
    const qty = order.qtyLots;
    if (this.state === KillSwitchState.Halted) return Denial.KillSwitchHalted;
    if (this.state === KillSwitchState.Reducing && !this.reduces(i, side, qty)) return Denial.KillSwitchReducing;

    if (!Number.isSafeInteger(qty) || qty < 1 || qty > lim.maxOrderQtyLots) return Denial.MaxOrderQty;

    const ref = view.referencePriceTicks(i);
    if (!Number.isSafeInteger(ref) || ref < 1) return Denial.NoReferencePrice;

    let px: number;
    if (order.type === OrderType.Limit) {
      px = order.priceTicks;
      if (!Number.isSafeInteger(px) || px < 1) return Denial.PriceCollar;
      const dist = px > ref ? px - ref : ref - px;
      if (compareProducts(dist, BPS, lim.priceCollarBps, ref) > 0) return Denial.PriceCollar;
    } else if (order.type === OrderType.Market) {
      px = ref;
    } else {
      return Denial.PriceCollar;
    }

    if (compareProducts(qty, px, lim.maxNotionalTicksLots, 1) > 0) return Denial.MaxNotional;

    const pos = view.positionLots(i);
    if (!isLots(pos)) return Denial.MaxPosition;
    if (side === Side.Buy) {
      const wb = view.workingBuyLots(i);
      if (!isWorkingLots(wb) || pos + wb + qty > lim.maxPositionLots) return Denial.MaxPosition;
    } else if (side === Side.Sell) {
      const ws = view.workingSellLots(i);
      if (!isWorkingLots(ws) || pos - ws - qty < -lim.maxPositionLots) return Denial.MaxPosition;
    } else {
      return Denial.MaxPosition;
    }

    const working = view.workingOrders();
    if (!Number.isSafeInteger(working) || working < 0 || working >= lim.maxWorkingOrders) return Denial.MaxWorkingOrders;

    // t - oldest may exceed 2^53 only when the true gap is >= 2^53 > window;
    // rounding is monotone, so the comparison is still right.
    if (this.recentCount === lim.throttleMaxOrders && t - this.recent[this.head] < lim.throttleWindowNs) return Denial.Throttle;
    return 0;
  }

  /** Kill switch Reducing: true when the order shrinks |position| and cannot flip it. */
  private reduces(i: number, side: number, qty: number): boolean {
    if (!Number.isSafeInteger(qty) || qty < 1) return false;
    const pos = this.view.positionLots(i);
    if (!isLots(pos)) return false;
    if (side === Side.Sell) {
      const ws = this.view.workingSellLots(i);
      return pos > 0 && isWorkingLots(ws) && qty <= pos - ws;
    }
    if (side === Side.Buy) {
      const wb = this.view.workingBuyLots(i);
      return pos < 0 && isWorkingLots(wb) && qty <= -pos - wb;
    }
    return false;
  }

  private record(t: number): void {
    const cap = this.recent.length;
    if (this.recentCount < cap) {
      this.recent[(this.head + this.recentCount) % cap] = t;
      this.recentCount++;
    } else {
      this.recent[this.head] = t;
      this.head = (this.head + 1) % cap;
    }
  }
}
