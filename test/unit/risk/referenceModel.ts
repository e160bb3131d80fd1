/**
 * A deliberately naive model of the risk gate, written from docs/risk.md and
 * not from riskGate.ts: BigInt arithmetic everywhere (no overflow reasoning
 * needed), the full list of accepted times (no ring buffer), a linear scan
 * for the throttle. The property test checks the real gate against it.
 */
import { Denial, KillSwitchState, OrderType, Side } from "../../../host/abi/codes.ts";
import type { RiskLimits } from "../../../host/risk/riskLimits.ts";

export interface ModelOrder {
  instrument: number;
  side: number;
  type: number;
  tif: number;
  priceTicks: number;
  qtyLots: number;
  clientTag: number;
}

export interface ModelView {
  instrumentCount: number;
  position: number[];
  workingBuy: number[];
  workingSell: number[];
  workingOrders: number;
  reference: number[];
}

const LOTS_BOUND = 2n ** 50n;

function isSafeInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER;
}

/** A lots value the gate accepts from its view: a safe integer within ±2^50. */
function lots(v: number): bigint | null {
  if (!isSafeInt(v)) return null;
  const b = BigInt(v);
  return b <= LOTS_BOUND && b >= -LOTS_BOUND ? b : null;
}

function workingLots(v: number): bigint | null {
  const b = lots(v);
  return b !== null && b >= 0n ? b : null;
}

export class ReferenceRiskModel {
  killSwitch: number = KillSwitchState.Active;
  private clock = BigInt(-Number.MAX_SAFE_INTEGER);
  private readonly acceptedTimes: bigint[] = [];

  constructor(private readonly limits: RiskLimits, private readonly view: ModelView) {}

  check(o: ModelOrder, timeNs: number): number {
    if (isSafeInt(timeNs) && BigInt(timeNs) > this.clock) this.clock = BigInt(timeNs);
    const d = this.decide(o);
    if (d === 0) this.acceptedTimes.push(this.clock);
    return d;
  }

  private decide(o: ModelOrder): number {
    const v = this.view;
    const L = this.limits;
    // 1
    if (!Number.isInteger(o.instrument) || o.instrument < 0 || o.instrument >= v.instrumentCount) return Denial.UnknownInstrument;
    const i = o.instrument;
    // 2
    if (this.killSwitch === KillSwitchState.Halted) return Denial.KillSwitchHalted;
    if (this.killSwitch === KillSwitchState.Reducing) {
      let reducing = false;
      const pos = lots(v.position[i]);
      if (isSafeInt(o.qtyLots) && o.qtyLots >= 1 && pos !== null) {
        const q = BigInt(o.qtyLots);
        if (o.side === Side.Sell) {
          const ws = workingLots(v.workingSell[i]);
          reducing = pos > 0n && ws !== null && ws + q <= pos;
        } else if (o.side === Side.Buy) {
          const wb = workingLots(v.workingBuy[i]);
          reducing = pos < 0n && wb !== null && wb + q <= -pos;
        }
      }
      if (!reducing) return Denial.KillSwitchReducing;
    }
    // 3
    if (!isSafeInt(o.qtyLots) || o.qtyLots < 1 || o.qtyLots > L.maxOrderQtyLots) return Denial.MaxOrderQty;
    const qty = BigInt(o.qtyLots);
    // 4
    const refRaw = v.reference[i];
    if (!isSafeInt(refRaw) || refRaw < 1) return Denial.NoReferencePrice;
    const ref = BigInt(refRaw);
    // 5
    let px: bigint;
    if (o.type === OrderType.Limit) {
      if (!isSafeInt(o.priceTicks) || o.priceTicks < 1) return Denial.PriceCollar;
      px = BigInt(o.priceTicks);
      const dist = px > ref ? px - ref : ref - px;
      if (dist * 10000n > BigInt(L.priceCollarBps) * ref) return Denial.PriceCollar;
    } else if (o.type === OrderType.Market) {
      px = ref;
    } else {
      return Denial.PriceCollar;
    }
    // 6
    if (qty * px > BigInt(L.maxNotionalTicksLots)) return Denial.MaxNotional;
    // 7
    const pos = lots(v.position[i]);
    if (pos === null) return Denial.MaxPosition;
    const maxPos = BigInt(L.maxPositionLots);
    if (o.side === Side.Buy) {
      const wb = workingLots(v.workingBuy[i]);
      if (wb === null || pos + wb + qty > maxPos) return Denial.MaxPosition;
    } else if (o.side === Side.Sell) {
      const ws = workingLots(v.workingSell[i]);
      if (ws === null || pos - ws - qty < -maxPos) return Denial.MaxPosition;
    } else {
      return Denial.MaxPosition;
    }
    // 8
    if (!isSafeInt(v.workingOrders) || v.workingOrders < 0 || v.workingOrders >= L.maxWorkingOrders) return Denial.MaxWorkingOrders;
    // 9: accepted orders whose time lies in (now - window, now]
    const window = BigInt(L.throttleWindowNs);
    let inWindow = 0;
    for (const t of this.acceptedTimes) if (this.clock - t < window) inWindow++;
    if (inWindow >= L.throttleMaxOrders) return Denial.Throttle;
    return 0;
  }
}
