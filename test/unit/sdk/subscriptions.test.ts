// The SDK's subscriptions against the host's argument checks: `kinds`
// outside MarketData (0..3) is a bad_host_call fault in the host (and in
// the fake host, whose checks match), so subscribe() answers
// SUBSCRIBE_BAD_KINDS and subscribeOnly() false, with nothing sent and the
// subscriptions unchanged.
import { describe, expect, it } from "vitest";
import { compileStrategySource } from "../../../host/compiler/compileStrategy.ts";
import { MarketData } from "../../../host/abi/codes.ts";
import { FakeHost } from "../strategies/fakeHost.ts";

const SOURCE = `
import { subscribe, subscribeOnly, logLine, param, MarketData, SUBSCRIBE_BAD_KINDS } from "ringfence";
export * from "ringfence/exports";

export function rf_start(): void {
  const n = <i32>param("n", 0);
  for (let i = 0; i < n; i++) {
    const kinds = <MarketData>param("k" + i.toString(), 0);
    logLine().text("subscribe ").int(subscribe(2, kinds)).info();
  }
  logLine().text("only ").int(subscribeOnly(2, <MarketData>param("only", 3)) ? 1 : 0).info();
  logLine().text("bad ").int(SUBSCRIBE_BAD_KINDS).info();
}
`;

describe("SDK subscribe kinds", () => {
  it("answers SUBSCRIBE_BAD_KINDS (subscribeOnly: false) and sends nothing for kinds outside MarketData", async () => {
    const { wasm } = await compileStrategySource(SOURCE, "kinds");
    const kinds = [4, -1, -2147483648, MarketData.Quotes];
    const params = new Map<string, number>([["n", kinds.length], ["only", 7]]);
    kinds.forEach((k, i) => params.set(`k${i}`, k));
    const host = await FakeHost.instantiate(wasm, params);
    host.start();
    expect(host.logs.map((l) => l.text)).toEqual(["subscribe -1", "subscribe -1", "subscribe -1", "subscribe 0", "only 0", "bad -1"]);
    // Only the valid call reached the host; subscribeOnly sent neither of its two.
    expect(host.callsNamed("subscribe").map((c) => c.args)).toEqual([[2, MarketData.Quotes]]);
  });
});
