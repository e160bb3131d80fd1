// The examples trade one instrument and read only its two-sided quotes, so
// they subscribe to just that: the first instrument that quotes, or the
// `instrument` param from rf_start. A fake host that honours subscriptions
// as the engine does counts the rf_on_market calls they still get.
import { describe, expect, it } from "vitest";
import { MarketData } from "../../../host/abi/codes.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { FakeHost } from "./fakeHost.ts";
import { compileExample, EXAMPLES, params } from "./examples.ts";

/** Seeded quotes and trades on instruments 1..3, the first a quote on `first`. */
function feed(host: FakeHost, seed: number, first: number): number[] {
  const rand = prng(seed);
  const counts = [0, 0, 0, 0];
  host.quote(first, 20_000, 20_004);
  for (let k = 0; k < 600; k++) {
    const instrument = randInt(rand, 1, 3);
    const mid = 20_000 + randInt(rand, -40, 40);
    if (rand() < 0.7) {
      host.quote(instrument, mid - 2, mid + 2);
      counts[instrument]++;
    } else {
      host.trade(instrument, mid, 1, 1);
    }
  }
  return counts;
}

describe("example strategies subscribe to the instrument they trade", () => {
  for (const name of EXAMPLES) {
    it(`${name}: the first instrument that quotes, quotes only`, async () => {
      const seed = testSeed(`${name} subscriptions`);
      const host = await FakeHost.instantiate(await compileExample(name));
      host.start();
      const quotes = feed(host, seed, 2);
      expect(host.callsNamed("subscribe").map((c) => [c.args, c.result])).toEqual([[[-1, MarketData.None], 0], [[2, MarketData.Quotes], 0]]);
      // The first event, then every later quote on instrument 2, and nothing else.
      expect(host.marketCallbacks).toBe(1 + quotes[2]);
    });

    it(`${name}: the instrument param, from rf_start`, async () => {
      const seed = testSeed(`${name} subscriptions param`);
      const host = await FakeHost.instantiate(await compileExample(name), params({ instrument: 3 }));
      host.start();
      expect(host.callsNamed("subscribe").map((c) => c.args)).toEqual([[-1, MarketData.None], [3, MarketData.Quotes]]);
      const quotes = feed(host, seed, 1);
      expect(host.marketCallbacks).toBe(quotes[3]);
    });
  }
});
