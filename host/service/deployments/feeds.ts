/**
 * The paper-trading feed a deployment may ask for: the synthetic market,
 * open-ended, one instrument (so the live PnL estimate is exact up to the
 * mark), published at a modest steady rate so many deployments share a
 * small machine.
 */
import { badRequest } from "../apiError.ts";
import { intField, jsonObject, onlyFields } from "../requestFields.ts";
import type { FeedSpec } from "../store/records.ts";

export const MAX_FEED_RATE_PER_SEC = 5_000;
export const DEFAULT_FEED: FeedSpec = Object.freeze({ kind: "synthetic", seed: 42, instruments: 1, ratePerSec: 200 });

export function parseFeed(v: unknown): FeedSpec {
  if (v === undefined) return DEFAULT_FEED;
  const o = jsonObject(v, "feed");
  onlyFields(o, ["kind", "seed", "ratePerSec"], "feed");
  if (o.kind !== undefined && o.kind !== "synthetic") throw badRequest(`feed.kind must be "synthetic"`);
  return {
    kind: "synthetic",
    seed: intField(o, "seed", DEFAULT_FEED.seed, 0, 2 ** 32 - 1, "feed"),
    instruments: 1,
    ratePerSec: intField(o, "ratePerSec", DEFAULT_FEED.ratePerSec, 1, MAX_FEED_RATE_PER_SEC, "feed"),
  };
}
