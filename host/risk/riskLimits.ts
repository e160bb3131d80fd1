/**
 * Pre-trade risk limits for one strategy: a tiny policy with documented
 * defaults. Build one with riskLimits({ ...overrides }); it validates every
 * field once, here at the boundary, so the gate's hot path never has to.
 * All values are integers in the instrument's own units (ticks, lots).
 */
export interface RiskLimits {
  /** Largest qtyLots of one order. */
  readonly maxOrderQtyLots: number;
  /** Largest qty * price of one order (limit price, or the reference price for market orders). */
  readonly maxNotionalTicksLots: number;
  /** Largest distance of a limit price from the reference price, in basis points of the reference. */
  readonly priceCollarBps: number;
  /** Largest |position| the strategy could reach if every working order on one side filled. */
  readonly maxPositionLots: number;
  /** Most orders working at once, across instruments. */
  readonly maxWorkingOrders: number;
  /** Most accepted orders in any window of throttleWindowNs of event time. */
  readonly throttleMaxOrders: number;
  readonly throttleWindowNs: number;
}

/**
 * Largest lots limit (2^50). Positions, working lots and order quantities the
 * gate adds together stay below 3 * 2^50 < 2^53, so its sums are exact.
 */
export const MAX_RISK_LOTS = 2 ** 50;
/** Largest throttleMaxOrders: the gate keeps one timestamp per allowed order. */
export const MAX_THROTTLE_ORDERS = 1_000_000;

/**
 * Defaults: deliberately tight, for a strategy nobody has reviewed yet.
 *   maxOrderQtyLots       1 000         lots per order
 *   maxNotionalTicksLots  10 000 000 000 ticks·lots per order (e.g. 1 000 lots at 10 000 000 ticks)
 *   priceCollarBps        500           limit within ±5 % of the reference price
 *   maxPositionLots       10 000        lots, worst case including working orders
 *   maxWorkingOrders      64            orders
 *   throttleMaxOrders     100           orders accepted ...
 *   throttleWindowNs      1 000 000 000 ... per second of event time
 */
export const DEFAULT_RISK_LIMITS: RiskLimits = Object.freeze({
  maxOrderQtyLots: 1_000,
  maxNotionalTicksLots: 10_000_000_000,
  priceCollarBps: 500,
  maxPositionLots: 10_000,
  maxWorkingOrders: 64,
  throttleMaxOrders: 100,
  throttleWindowNs: 1_000_000_000,
});

const UPPER_BOUND: Readonly<Record<keyof RiskLimits, number>> = Object.freeze({
  maxOrderQtyLots: MAX_RISK_LOTS,
  maxNotionalTicksLots: Number.MAX_SAFE_INTEGER,
  priceCollarBps: Number.MAX_SAFE_INTEGER,
  maxPositionLots: MAX_RISK_LOTS,
  maxWorkingOrders: Number.MAX_SAFE_INTEGER,
  throttleMaxOrders: MAX_THROTTLE_ORDERS,
  throttleWindowNs: Number.MAX_SAFE_INTEGER,
});

/**
 * The defaults with `overrides` applied, validated and frozen. Throws
 * RangeError naming the field: an unknown name, or a value that is not a
 * positive safe integer within the field's bound.
 */
export function riskLimits(overrides: Partial<RiskLimits> = {}): RiskLimits {
  for (const key of Object.keys(overrides)) {
    if (!Object.prototype.hasOwnProperty.call(DEFAULT_RISK_LIMITS, key)) {
      throw new RangeError(`riskLimits: unknown limit '${key}' (known: ${Object.keys(DEFAULT_RISK_LIMITS).join(", ")})`);
    }
  }
  const merged: Record<string, number> = { ...DEFAULT_RISK_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) merged[key] = value;
  }
  for (const key of Object.keys(UPPER_BOUND) as (keyof RiskLimits)[]) {
    const v = merged[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
      throw new RangeError(`riskLimits: ${key} must be a positive safe integer, got ${String(v)}`);
    }
    if (v > UPPER_BOUND[key]) {
      throw new RangeError(`riskLimits: ${key} must be at most ${UPPER_BOUND[key]}, got ${v}`);
    }
  }
  return Object.freeze(merged as unknown as RiskLimits);
}
