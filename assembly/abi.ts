// Guest ABI v1 as the SDK sees it: every enum, size and offset the host
// defines in host/abi/*.ts, mirrored here and nowhere else in the SDK.
// test/unit/abi/sdkAgreement.test.ts compiles these and compares each value
// with the host's, so a drift fails the build instead of corrupting orders.
// Values are never renumbered, only appended.

/** The ABI version this SDK targets; exported as rf_abi_version (exports.ts). */
export const ABI_VERSION: i32 = 1;

// ---------------------------------------------------------------- enums (host/abi/codes.ts)

export enum EventKind {
  Quote = 1,
  Trade = 2,
  Fill = 3,
  OrderUpdate = 4,
  Timer = 5,
}

export enum Side {
  Buy = 1,
  Sell = 2,
}

export enum OrderType {
  Limit = 1,
  Market = 2,
}

export enum TimeInForce {
  GTC = 1,
  IOC = 2,
}

/** Status carried by an OrderUpdate event: flags & 0xff (the reason is flags >>> 8). */
export enum OrderStatus {
  Working = 1,
  PartiallyFilled = 2,
  Filled = 3,
  Cancelled = 4,
  /** IOC or market remainder that found no liquidity. */
  Expired = 5,
  /** Cancelled by the host: kill switch, quarantine, disconnect. */
  CancelledByRisk = 6,
}

/** Pre-trade risk denials; submit_order returns the negated value. */
export enum Denial {
  MaxOrderQty = 1,
  MaxNotional = 2,
  PriceCollar = 3,
  MaxPosition = 4,
  MaxWorkingOrders = 5,
  Throttle = 6,
  KillSwitchHalted = 7,
  /** Kill switch is reducing and the order would not reduce the position. */
  KillSwitchReducing = 8,
  /** No quote or trade seen yet for the instrument. */
  NoReferencePrice = 9,
  UnknownInstrument = 10,
}

/**
 * The host's snake_case name of a denial (host DenialName), or "unknown".
 * Returns a static string: no allocation.
 */
export function denialName(denial: i32): string {
  switch (denial) {
    case Denial.MaxOrderQty: return "max_order_qty";
    case Denial.MaxNotional: return "max_notional";
    case Denial.PriceCollar: return "price_collar";
    case Denial.MaxPosition: return "max_position";
    case Denial.MaxWorkingOrders: return "max_working_orders";
    case Denial.Throttle: return "throttle";
    case Denial.KillSwitchHalted: return "kill_switch_halted";
    case Denial.KillSwitchReducing: return "kill_switch_reducing";
    case Denial.NoReferencePrice: return "no_reference_price";
    case Denial.UnknownInstrument: return "unknown_instrument";
    default: return "unknown";
  }
}

/** Non-risk results of host calls (all <= 0; 0 is success). Disjoint from -Denial. */
export enum HostStatus {
  Ok = 0,
  UnknownOrder = -100,
  OrderNotWorking = -101,
  TooManyTimers = -102,
  UnknownTimer = -103,
  LogDropped = -104,
  UnknownInstrument = -105,
  NotFound = -106,
}

/**
 * Market data a strategy takes per instrument (subscribe): a mask of the
 * market EventKinds. Fills, order updates and timers always arrive.
 */
export enum MarketData {
  None = 0,
  Quotes = 1,
  Trades = 2,
  All = 3,
}

/** subscribe's instrument argument for every instrument at once. */
export const ALL_INSTRUMENTS: i32 = -1;

export enum LogLevel {
  Debug = 0,
  Info = 1,
  Warn = 2,
  Error = 3,
}

/** The host's kill switch; not carried in any record yet, mirrored for completeness. */
export enum KillSwitchState {
  Active = 0,
  Reducing = 1,
  Halted = 2,
}

// ---------------------------------------------------------------- limits (host/abi/callTable.ts)

/** Longest log line; the SDK truncates to this rather than fault. */
export const MAX_LOG_BYTES: i32 = 512;
/** Log lines kept per callback; later ones return HostStatus.LogDropped. */
export const MAX_LOG_LINES_PER_CALLBACK: i32 = 8;
/** Longest param key in UTF-8 bytes. */
export const MAX_PARAM_KEY_BYTES: i32 = 64;
/** Timers a strategy may have pending at once. */
export const MAX_PENDING_TIMERS: i32 = 64;
/** Longest timer delay in microseconds (~35.8 minutes). */
export const MAX_TIMER_DELAY_US: i32 = 0x7fffffff;

// ---------------------------------------------------------------- event record (host/abi/eventRecord.ts)
//
//   0               4               8                              16
//   +---------------+---------------+-------------------------------+
//   | kind     u32  | instrument u32| seq                       i64 |
//   +---------------+---------------+-------------------------------+
//   | timeNs                    i64 | price                     i64 |  16..32
//   +-------------------------------+-------------------------------+
//   | qty                       i64 | price2                    i64 |  32..48
//   +-------------------------------+-------------------------------+
//   | qty2                      i64 | ref   u32     | flags   u32   |  48..64
//   +-------------------------------+---------------+---------------+
//
//   kind         price          qty          price2     qty2            ref        flags
//   Quote        bid ticks      bid lots     ask ticks  ask lots        0          0
//   Trade        trade ticks    trade lots   0          0               0          aggressor Side (0 unknown)
//   Fill         fill ticks     fill lots    0          leaves lots     order id   Side
//   OrderUpdate  limit ticks    leaves lots  0          cum filled lots order id   OrderStatus | reason << 8
//   Timer        0              0            0          0               timer id   tag
//
// Read by events.ts.

export const EVENT_RECORD_BYTES: i32 = 64;
export const EVENT_RECORD_ALIGN: i32 = 8;

export enum EventOffset {
  kind = 0,
  instrument = 4,
  seq = 8,
  timeNs = 16,
  price = 24,
  qty = 32,
  price2 = 40,
  qty2 = 48,
  ref = 56,
  flags = 60,
}

// ---------------------------------------------------------------- guest records (host/abi/guestRecords.ts)
// Every record pointer passed to the host must be 8-byte aligned.

export const RECORD_ALIGN: i32 = 8;

// OrderRequest (submit_order), 32 bytes; written by orders.ts:
//   0            4      5      6      7      8                16               24            28           32
//   | instrument | side | type | tif  | rsv0 | priceTicks i64 | qtyLots i64    | clientTag u32| rsv1 u32  |
//   rsv0/rsv1 must be 0; priceTicks must be 0 for market orders, > 0 for limit orders; qtyLots > 0.

export const ORDER_REQUEST_BYTES: i32 = 32;

export enum OrderRequestOffset {
  instrument = 0,
  side = 4,
  type = 5,
  tif = 6,
  reserved0 = 7,
  priceTicks = 8,
  qtyLots = 16,
  clientTag = 24,
  reserved1 = 28,
}

// PositionRecord (read_position), 40 bytes; read by position.ts:
//   0 positionLots i64 | 8 cashTicksLots i64 | 16 workingBuyLots i64 | 24 workingSellLots i64
//   32 workingOrders u32 | 36 fills u32
//   cashTicksLots = sum over fills of (sell ? +1 : -1) * priceTicks * qtyLots.

export const POSITION_RECORD_BYTES: i32 = 40;

export enum PositionOffset {
  positionLots = 0,
  cashTicksLots = 8,
  workingBuyLots = 16,
  workingSellLots = 24,
  workingOrders = 32,
  fills = 36,
}

// OrderView (read_orders), 40 bytes each; read by position.ts:
//   0 orderId u32 | 4 instrument u32 | 8 side u8 | 9 type u8 | 10 tif u8 | 11 rsv u8 | 12 clientTag u32
//   | 16 priceTicks i64 | 24 leavesLots i64 | 32 filledLots i64

export const ORDER_VIEW_BYTES: i32 = 40;

export enum OrderViewOffset {
  orderId = 0,
  instrument = 4,
  side = 8,
  type = 9,
  tif = 10,
  reserved = 11,
  clientTag = 12,
  priceTicks = 16,
  leavesLots = 24,
  filledLots = 32,
}

// InstrumentInfo (instrument_info), 32 bytes; read by instrument.ts:
//   0 priceDecimals u32 | 4 qtyDecimals u32 | 8 reserved u32 | 12 reserved u32 | 16 symbol: 16 bytes ASCII, NUL-padded

export const INSTRUMENT_INFO_BYTES: i32 = 32;
export const SYMBOL_BYTES: i32 = 16;

export enum InstrumentInfoOffset {
  priceDecimals = 0,
  qtyDecimals = 4,
  reserved0 = 8,
  reserved1 = 12,
  symbol = 16,
}
