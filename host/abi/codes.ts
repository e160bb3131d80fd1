/**
 * Every enum that crosses the guest boundary. Values are part of guest ABI v1:
 * never renumber, only append. The AssemblyScript SDK mirrors these in
 * assembly/abi.ts and test/unit/abi/sdkAgreement.test.ts checks the two agree.
 */

export const EventKind = {
  Quote: 1,
  Trade: 2,
  Fill: 3,
  OrderUpdate: 4,
  Timer: 5,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

export const Side = { Buy: 1, Sell: 2 } as const;
export type Side = (typeof Side)[keyof typeof Side];

export const OrderType = { Limit: 1, Market: 2 } as const;
export type OrderType = (typeof OrderType)[keyof typeof OrderType];

export const TimeInForce = { GTC: 1, IOC: 2 } as const;
export type TimeInForce = (typeof TimeInForce)[keyof typeof TimeInForce];

/** Status carried by an OrderUpdate event (flags field). */
export const OrderStatus = {
  Working: 1,
  PartiallyFilled: 2,
  Filled: 3,
  Cancelled: 4,
  /** IOC or market remainder that found no liquidity. */
  Expired: 5,
  /** Cancelled by the host: kill switch, quarantine, disconnect. */
  CancelledByRisk: 6,
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/**
 * Pre-trade risk denials. submit_order returns the negated value, so a guest
 * sees `-Denial.MaxOrderQty` etc. 0 is never a denial.
 */
export const Denial = {
  MaxOrderQty: 1,
  MaxNotional: 2,
  PriceCollar: 3,
  MaxPosition: 4,
  MaxWorkingOrders: 5,
  Throttle: 6,
  KillSwitchHalted: 7,
  /** Kill switch is in the reducing state and the order would not reduce the position. */
  KillSwitchReducing: 8,
  /** No reference price yet for the instrument (no quote or trade seen). */
  NoReferencePrice: 9,
  UnknownInstrument: 10,
} as const;
export type Denial = (typeof Denial)[keyof typeof Denial];

export const DenialName: Readonly<Record<number, string>> = Object.freeze({
  1: "max_order_qty",
  2: "max_notional",
  3: "price_collar",
  4: "max_position",
  5: "max_working_orders",
  6: "throttle",
  7: "kill_switch_halted",
  8: "kill_switch_reducing",
  9: "no_reference_price",
  10: "unknown_instrument",
});

/** Non-risk results of host calls (all <= 0; 0 is success). Disjoint from -Denial. */
export const HostStatus = {
  Ok: 0,
  UnknownOrder: -100,
  OrderNotWorking: -101,
  TooManyTimers: -102,
  UnknownTimer: -103,
  LogDropped: -104,
  UnknownInstrument: -105,
  NotFound: -106,
} as const;
export type HostStatus = (typeof HostStatus)[keyof typeof HostStatus];

/**
 * Market data a strategy takes, per instrument (subscribe): a bit mask whose
 * bits are the EventKind values of the market kinds. Fills, order updates
 * and timers always arrive; only rf_on_market is filtered.
 */
export const MarketData = { None: 0, Quotes: 1, Trades: 2, All: 3 } as const;
export type MarketData = (typeof MarketData)[keyof typeof MarketData];
/** subscribe's instrument argument for every instrument at once. */
export const ALL_INSTRUMENTS = -1;

export const LogLevel = { Debug: 0, Info: 1, Warn: 2, Error: 3 } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export const KillSwitchState = { Active: 0, Reducing: 1, Halted: 2 } as const;
export type KillSwitchState = (typeof KillSwitchState)[keyof typeof KillSwitchState];
