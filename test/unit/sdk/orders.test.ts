// The SDK's order helpers against the host's argument checks (docs/abi.md):
// every argument the host would fault on (bad_host_call, which stops the
// strategy) must come back from the SDK as 0 with nothing sent. The host
// reads i64s as JS numbers and faults on one outside ±2^53, so a price or a
// size above 2^53 - 1 is such an argument even though it is a valid i64.
import { describe, expect, it } from "vitest";
import { compileStrategySource } from "../../../host/compiler/compileStrategy.ts";
import { FakeHost } from "../strategies/fakeHost.ts";

const SOURCE = `
import { buyLimit, sellLimit, buyMarket, sellMarket, tradeMarket, logLine, param } from "ringfence";
export * from "ringfence/exports";

// One call per case; its result is logged. Prices and sizes come in as params
// so the cases are chosen by the test.
export function rf_start(): void {
  const price = param("price", 0);
  const qty = param("qty", 0);
  const max = i64.MAX_VALUE;
  const safe: i64 = 9007199254740991; // 2^53 - 1
  logLine().text("limit_over ").int(buyLimit(0, safe + 1, 1)).info();
  logLine().text("limit_max ").int(sellLimit(0, max, 1)).info();
  logLine().text("qty_over ").int(buyLimit(0, price, safe + 1)).info();
  logLine().text("market_max ").int(buyMarket(0, max)).info();
  logLine().text("market_min ").int(sellMarket(0, i64.MIN_VALUE)).info();
  logLine().text("trade_min ").int(tradeMarket(0, i64.MIN_VALUE)).info();
  logLine().text("trade_over ").int(tradeMarket(0, -(safe + 1))).info();
  // At the edge: sent (the fake venue answers with an order id or a denial, not a fault).
  logLine().text("limit_edge ").int(buyLimit(0, safe, qty) != 0 ? 1 : 0).info();
  logLine().text("qty_edge ").int(sellLimit(0, price, safe) != 0 ? 1 : 0).info();
}
`;

describe("SDK order arguments", () => {
  it("returns 0 and sends nothing for a price or size the host would fault on", async () => {
    const { wasm } = await compileStrategySource(SOURCE, "orders");
    const host = await FakeHost.instantiate(wasm, new Map([["price", 100], ["qty", 1]]));
    host.start();
    expect(host.logs.map((l) => l.text)).toEqual([
      "limit_over 0", "limit_max 0", "qty_over 0", "market_max 0", "market_min 0", "trade_min 0", "trade_over 0",
      "limit_edge 1", "qty_edge 1",
    ]);
    // Only the two edge orders reached the host.
    expect(host.callsNamed("submit_order")).toHaveLength(2);
  });
});
