import { Side } from "../abi/codes.ts";

/**
 * One strategy's account in one instrument, as the guest sees it through
 * read_position (PositionRecord in host/abi/guestRecords.ts).
 *
 * All values are integers. cashTicksLots is the sum over fills of
 * (sell ? +1 : -1) * priceTicks * qtyLots, so mark-to-market PnL in
 * ticks·lots is cashTicksLots + positionLots * markTicks. JS numbers are
 * exact to 2^53; the risk limits keep a single fill's notional far below
 * that, and `cashInexact` turns true (and stays true) if a product or the
 * running sum ever left the safe range, so a report can say so instead of
 * silently printing a rounded number.
 */
export interface AccountView {
  readonly positionLots: number;
  readonly cashTicksLots: number;
  /** Sum of leaves of working buy / sell orders. */
  readonly workingBuyLots: number;
  readonly workingSellLots: number;
  /** Number of working orders. */
  readonly workingOrders: number;
  /** Number of fills. */
  readonly fills: number;
  readonly cashInexact: boolean;
  /** cashTicksLots + positionLots * markTicks (ticks·lots). */
  markToMarket(markTicks: number): number;
}

/** The venue's mutable account; everything else gets the AccountView. */
export class Account implements AccountView {
  positionLots = 0;
  cashTicksLots = 0;
  workingBuyLots = 0;
  workingSellLots = 0;
  workingOrders = 0;
  fills = 0;
  cashInexact = false;

  markToMarket(markTicks: number): number {
    return this.cashTicksLots + this.positionLots * markTicks;
  }

  /** An order starts working with `leavesLots`. */
  addWorking(side: number, leavesLots: number): void {
    if (side === Side.Buy) this.workingBuyLots += leavesLots;
    else this.workingSellLots += leavesLots;
    this.workingOrders++;
  }

  /** A working order lost `lots` of leaves (fill or cancel); `done` when it stopped working. */
  reduceWorking(side: number, lots: number, done: boolean): void {
    if (side === Side.Buy) this.workingBuyLots -= lots;
    else this.workingSellLots -= lots;
    if (done) this.workingOrders--;
  }

  /** Books one fill into position and cash. */
  applyFill(side: number, priceTicks: number, qtyLots: number): void {
    const notional = priceTicks * qtyLots;
    if (side === Side.Buy) {
      this.positionLots += qtyLots;
      this.cashTicksLots -= notional;
    } else {
      this.positionLots -= qtyLots;
      this.cashTicksLots += notional;
    }
    this.fills++;
    if (!Number.isSafeInteger(notional) || !Number.isSafeInteger(this.cashTicksLots)) this.cashInexact = true;
  }
}

/** What account(i) returns for an instrument index the venue does not have. */
export const EMPTY_ACCOUNT: Readonly<AccountView> = Object.freeze(new Account());
