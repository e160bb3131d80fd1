/**
 * An order the simulated venue holds. Fields mirror OrderView
 * (host/abi/guestRecords.ts). The venue recycles order objects, so a
 * VenueOrder read from workingOrders() is valid only until the venue's next
 * call (submit/cancel/onMarket); copy what you need.
 */
export interface VenueOrder {
  readonly orderId: number;
  readonly instrument: number;
  readonly side: number;
  readonly type: number;
  readonly tif: number;
  readonly clientTag: number;
  /** Limit price; 0 for market orders. */
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly leavesLots: number;
  readonly filledLots: number;
}

/** The venue's own, writable order record (pooled). */
export class MutableVenueOrder implements VenueOrder {
  orderId = 0;
  instrument = 0;
  side = 0;
  type = 0;
  tif = 0;
  clientTag = 0;
  priceTicks = 0;
  qtyLots = 0;
  leavesLots = 0;
  filledLots = 0;
}
