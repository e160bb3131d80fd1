import type { OrderType, Side, TimeInForce } from "../abi/codes.ts";

/**
 * One order as the call table decoded it from a guest OrderRequest
 * (host/abi/guestRecords.ts). The risk gate reads it, the venue copies it;
 * neither keeps a reference, so the call table may reuse one object for
 * every submit. Prices are integer ticks, quantities integer lots; market
 * orders carry priceTicks 0.
 */
export interface OrderFields {
  instrument: number;
  side: Side;
  type: OrderType;
  tif: TimeInForce;
  priceTicks: number;
  qtyLots: number;
  clientTag: number;
}
