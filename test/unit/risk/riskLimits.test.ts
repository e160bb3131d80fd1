import { describe, expect, it } from "vitest";
import { DEFAULT_RISK_LIMITS, MAX_RISK_LOTS, MAX_THROTTLE_ORDERS, riskLimits } from "../../../host/risk/riskLimits.ts";

describe("riskLimits", () => {
  it("returns the documented defaults, frozen", () => {
    const l = riskLimits();
    expect(l).toEqual({
      maxOrderQtyLots: 1_000,
      maxNotionalTicksLots: 10_000_000_000,
      priceCollarBps: 500,
      maxPositionLots: 10_000,
      maxWorkingOrders: 64,
      throttleMaxOrders: 100,
      throttleWindowNs: 1_000_000_000,
    });
    expect(l).toEqual(DEFAULT_RISK_LIMITS);
    expect(Object.isFrozen(l)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RISK_LIMITS)).toBe(true);
  });

  it("applies overrides and keeps the rest", () => {
    const l = riskLimits({ maxPositionLots: 7 });
    expect(l.maxPositionLots).toBe(7);
    expect(l.maxOrderQtyLots).toBe(1_000);
  });

  it("names the field and the value when one is not a positive safe integer", () => {
    expect(() => riskLimits({ maxOrderQtyLots: -1 })).toThrow(new RangeError("riskLimits: maxOrderQtyLots must be a positive safe integer, got -1"));
    expect(() => riskLimits({ priceCollarBps: 0 })).toThrow("riskLimits: priceCollarBps must be a positive safe integer, got 0");
    expect(() => riskLimits({ throttleWindowNs: 1.5 })).toThrow("riskLimits: throttleWindowNs must be a positive safe integer, got 1.5");
    expect(() => riskLimits({ maxWorkingOrders: NaN })).toThrow("riskLimits: maxWorkingOrders must be a positive safe integer, got NaN");
    expect(() => riskLimits({ maxNotionalTicksLots: 2 ** 53 })).toThrow("riskLimits: maxNotionalTicksLots must be a positive safe integer, got 9007199254740992");
    expect(() => riskLimits({ maxPositionLots: "5" as unknown as number })).toThrow("riskLimits: maxPositionLots must be a positive safe integer, got 5");
  });

  it("enforces upper bounds that keep the gate's math exact and its memory small", () => {
    expect(riskLimits({ maxPositionLots: MAX_RISK_LOTS }).maxPositionLots).toBe(MAX_RISK_LOTS);
    expect(() => riskLimits({ maxPositionLots: MAX_RISK_LOTS + 1 })).toThrow(`riskLimits: maxPositionLots must be at most ${MAX_RISK_LOTS}, got ${MAX_RISK_LOTS + 1}`);
    expect(() => riskLimits({ maxOrderQtyLots: MAX_RISK_LOTS + 1 })).toThrow(/maxOrderQtyLots must be at most/);
    expect(() => riskLimits({ throttleMaxOrders: MAX_THROTTLE_ORDERS + 1 })).toThrow(/throttleMaxOrders must be at most 1000000/);
  });

  it("rejects an unknown limit name (a typo must not silently keep the default)", () => {
    expect(() => riskLimits({ maxPositonLots: 5 } as never)).toThrow(/riskLimits: unknown limit 'maxPositonLots'/);
  });
});
