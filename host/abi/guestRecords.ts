/**
 * Records a guest passes to or receives from host calls, in its own linear
 * memory. Every pointer must be 8-byte aligned and the whole record in
 * bounds, or the call is a bad_host_call fault. Little-endian; i64 as two
 * u32 halves (see int64.ts).
 *
 * OrderRequest (submit_order), 32 bytes:
 *   0            4      5      6      7      8                16               24            28           32
 *   | instrument | side | type | tif  | rsv0 | priceTicks i64 | qtyLots i64    | clientTag u32| rsv1 u32  |
 *   rsv0/rsv1 must be 0; priceTicks must be 0 for market orders, > 0 for limit orders; qtyLots > 0.
 *
 * PositionRecord (read_position), 40 bytes:
 *   0 positionLots i64 | 8 cashTicksLots i64 | 16 workingBuyLots i64 | 24 workingSellLots i64 | 32 workingOrders u32 | 36 fills u32
 *   cashTicksLots: sum over fills of (sell ? +1 : -1) * priceTicks * qtyLots.
 *   Mark-to-market PnL = cashTicksLots + positionLots * markTicks.
 *
 * OrderView (read_orders), 40 bytes each:
 *   0 orderId u32 | 4 instrument u32 | 8 side u8 | 9 type u8 | 10 tif u8 | 11 rsv u8 | 12 clientTag u32
 *   | 16 priceTicks i64 | 24 leavesLots i64 | 32 filledLots i64
 *
 * InstrumentInfo (instrument_info), 32 bytes:
 *   0 priceDecimals u32 | 4 qtyDecimals u32 | 8 tickSize... (reserved, 0) u32 | 12 rsv u32 | 16 symbol: 16 bytes ASCII, NUL-padded
 */
export const ORDER_REQUEST_BYTES = 32;
export const OrderRequestOffset = {
  instrument: 0,
  side: 4,
  type: 5,
  tif: 6,
  reserved0: 7,
  priceTicks: 8,
  qtyLots: 16,
  clientTag: 24,
  reserved1: 28,
} as const;

export const POSITION_RECORD_BYTES = 40;
export const PositionOffset = {
  positionLots: 0,
  cashTicksLots: 8,
  workingBuyLots: 16,
  workingSellLots: 24,
  workingOrders: 32,
  fills: 36,
} as const;

export const ORDER_VIEW_BYTES = 40;
export const OrderViewOffset = {
  orderId: 0,
  instrument: 4,
  side: 8,
  type: 9,
  tif: 10,
  reserved: 11,
  clientTag: 12,
  priceTicks: 16,
  leavesLots: 24,
  filledLots: 32,
} as const;

export const INSTRUMENT_INFO_BYTES = 32;
export const InstrumentInfoOffset = {
  priceDecimals: 0,
  qtyDecimals: 4,
  reserved0: 8,
  reserved1: 12,
  symbol: 16,
} as const;
export const SYMBOL_BYTES = 16;

/** Alignment every record pointer must have. */
export const RECORD_ALIGN = 8;
