import { describe, expect, it } from "vitest";
import { Side } from "../../../host/abi/codes.ts";
import { Account, EMPTY_ACCOUNT } from "../../../host/venue/account.ts";

describe("Account", () => {
  it("books fills into position and cash; MTM = cash + position * mark", () => {
    const a = new Account();
    a.applyFill(Side.Buy, 100, 3); // pay 300
    a.applyFill(Side.Buy, 102, 2); // pay 204
    a.applyFill(Side.Sell, 105, 4); // receive 420
    expect(a.positionLots).toBe(1);
    expect(a.cashTicksLots).toBe(-300 - 204 + 420);
    expect(a.fills).toBe(3);
    expect(a.markToMarket(110)).toBe(-84 + 110);
    expect(a.markToMarket(0)).toBe(-84);
    expect(a.cashInexact).toBe(false);
  });

  it("tracks working lots per side and the working order count", () => {
    const a = new Account();
    a.addWorking(Side.Buy, 5);
    a.addWorking(Side.Sell, 2);
    a.addWorking(Side.Buy, 1);
    expect([a.workingBuyLots, a.workingSellLots, a.workingOrders]).toEqual([6, 2, 3]);
    a.reduceWorking(Side.Buy, 2, false);
    expect([a.workingBuyLots, a.workingOrders]).toEqual([4, 3]);
    a.reduceWorking(Side.Buy, 3, true);
    expect([a.workingBuyLots, a.workingOrders]).toEqual([1, 2]);
  });

  it("flags cash that left the exact range instead of hiding it", () => {
    const a = new Account();
    a.applyFill(Side.Sell, 2 ** 40, 2 ** 14); // 2^54: not exact
    expect(a.cashInexact).toBe(true);
  });

  it("EMPTY_ACCOUNT is all zeros and frozen", () => {
    expect(EMPTY_ACCOUNT.positionLots).toBe(0);
    expect(EMPTY_ACCOUNT.markToMarket(100)).toBe(0);
    expect(Object.isFrozen(EMPTY_ACCOUNT)).toBe(true);
  });
});
