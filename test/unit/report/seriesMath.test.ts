import { describe, expect, it } from "vitest";
import { drawdowns, maxDrawdown } from "../../../host/report/seriesMath.ts";
import { points } from "./reportFixtures.ts";

describe("drawdowns", () => {
  it("is the running peak minus PnL, in the same integer units", () => {
    const pnl = [0, 5, 3, 8, -2, 10, 9];
    const p = points(pnl.length, 10, (i) => pnl[i]);
    expect(drawdowns(p)).toEqual([0, 0, 2, 0, 10, 0, 1]);
    expect(maxDrawdown(p)).toBe(10);
  });

  it("starts from the first point (a run that only loses has drawdown from its start)", () => {
    const p = points(4, 1, (i) => -100 * i - 7);
    expect(drawdowns(p)).toEqual([0, 100, 200, 300]);
    expect(maxDrawdown(p)).toBe(300);
    expect(maxDrawdown([])).toBe(0);
    expect(drawdowns([])).toEqual([]);
  });
});
