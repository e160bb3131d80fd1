import { EventKind, OrderType, Side } from "../abi/codes.ts";
import type { VenueOrder } from "./venueOrder.ts";

/** Where a fill model writes the price of the fill it grants. Reused; never kept. */
export interface FillPrice {
  priceTicks: number;
}

/**
 * How the simulated venue decides whether an order trades against displayed
 * liquidity, at what price and for how many lots. Injected into SimVenue.
 *
 * The venue owns liquidity bookkeeping: it offers each order only the lots
 * of the current quote / trade print that earlier orders have not already
 * taken in this market event, and clips whatever a model returns to
 * [0, min(leaves, available)]. A model therefore cannot fill the same
 * liquidity twice; it only answers "does this order cross, and at what price".
 * Implementations must be deterministic (no randomness, no clock) and must
 * not allocate.
 */
export interface FillModel {
  /**
   * An incoming order meets the opposite touch (the ask for a buy, the bid
   * for a sell) at `touchTicks` with `availableLots` > 0 untaken. Returns the
   * lots to fill (0 = none) and writes the fill price into `out`.
   */
  onSubmit(order: VenueOrder, touchTicks: number, availableLots: number, out: FillPrice): number;
  /**
   * A resting order sees a market event: `kind` Quote (eventTicks = the new
   * opposite touch) or Trade (eventTicks = the print). Returns the lots to
   * fill (0 = none) and writes the fill price into `out`.
   */
  onResting(order: VenueOrder, kind: number, eventTicks: number, availableLots: number, out: FillPrice): number;
}

function crosses(order: VenueOrder, ticks: number): boolean {
  return order.side === Side.Buy ? ticks <= order.priceTicks : ticks >= order.priceTicks;
}

/**
 * The default. Aggressors take the touch at the touch price, up to the
 * displayed size; resting orders fill at their own limit price when a later
 * quote's opposite touch reaches it or a trade prints at or through it, up
 * to the displayed/printed size. No queue position: a resting order is
 * assumed to be first at its price, so fills are optimistic for passive
 * orders at the touch.
 */
export class TouchFillModel implements FillModel {
  onSubmit(order: VenueOrder, touchTicks: number, availableLots: number, out: FillPrice): number {
    if (order.type !== OrderType.Market && !crosses(order, touchTicks)) return 0;
    out.priceTicks = touchTicks;
    return order.leavesLots < availableLots ? order.leavesLots : availableLots;
  }

  onResting(order: VenueOrder, _kind: number, eventTicks: number, availableLots: number, out: FillPrice): number {
    if (!crosses(order, eventTicks)) return 0;
    out.priceTicks = order.priceTicks;
    return order.leavesLots < availableLots ? order.leavesLots : availableLots;
  }
}

/**
 * A pessimistic alternative: aggressors as in TouchFillModel, but a resting
 * order fills only when a trade prints strictly through its price (someone
 * traded worse than our limit, so we must have been ahead of them). Quotes
 * never fill resting orders. Use it to check that a strategy's edge does not
 * come from the default model's "first in the queue" assumption.
 */
export class TradeThroughFillModel implements FillModel {
  onSubmit(order: VenueOrder, touchTicks: number, availableLots: number, out: FillPrice): number {
    if (order.type !== OrderType.Market && !crosses(order, touchTicks)) return 0;
    out.priceTicks = touchTicks;
    return order.leavesLots < availableLots ? order.leavesLots : availableLots;
  }

  onResting(order: VenueOrder, kind: number, eventTicks: number, availableLots: number, out: FillPrice): number {
    if (kind !== EventKind.Trade || eventTicks === order.priceTicks || !crosses(order, eventTicks)) return 0;
    out.priceTicks = order.priceTicks;
    return order.leavesLots < availableLots ? order.leavesLots : availableLots;
  }
}

/** The fill model SimVenue uses when none is injected. */
export const DEFAULT_FILL_MODEL: FillModel = new TouchFillModel();
