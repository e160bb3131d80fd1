/** Request-body checks: each bad field is a 400 naming the field; datasets and feeds are bounded. */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../host/service/apiError.ts";
import { parseFeed } from "../../../host/service/deployments/feeds.ts";
import { DEFAULT_DATASET, MAX_DATASET_EVENTS, parseDataset } from "../../../host/service/jobs/datasets.ts";
import { paramsField, riskField } from "../../../host/service/requestFields.ts";
import { canonicalJson } from "../../../host/service/store/serviceStore.ts";
import { DEFAULT_RISK_LIMITS } from "../../../host/risk/riskLimits.ts";

function rejects(f: () => unknown, field: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(400);
    expect((e as ApiError).message).toMatch(field);
    return;
  }
  throw new Error("expected a 400");
}

describe("request fields", () => {
  it("datasets: defaults, bounds, no other kinds and no unknown fields", () => {
    expect(parseDataset(undefined)).toEqual(DEFAULT_DATASET);
    expect(parseDataset({ seed: 1, events: 10 })).toEqual({ kind: "synthetic", seed: 1, events: 10, instruments: DEFAULT_DATASET.instruments });
    rejects(() => parseDataset({ events: MAX_DATASET_EVENTS + 1 }), /dataset\.events/);
    rejects(() => parseDataset({ events: 1.5 }), /dataset\.events/);
    rejects(() => parseDataset({ kind: "file", path: "/etc/passwd" }), /unknown field 'path'/);
    rejects(() => parseDataset({ kind: "file" }), /dataset\.kind/);
    rejects(() => parseDataset([1]), /dataset must be a JSON object/);
  });

  it("feeds: one instrument, a bounded rate", () => {
    expect(parseFeed({ ratePerSec: 10 })).toMatchObject({ instruments: 1, ratePerSec: 10 });
    rejects(() => parseFeed({ ratePerSec: 0 }), /feed\.ratePerSec/);
    rejects(() => parseFeed({ instruments: 3 }), /unknown field 'instruments'/);
  });

  it("params and risk limits", () => {
    expect(paramsField({ b: 2, a: -1 }, "params")).toEqual({ a: -1, b: 2 });
    rejects(() => paramsField({ "../x": 1 }, "params"), /parameter name/);
    rejects(() => paramsField({ a: 1.5 }, "params"), /params\.a/);
    rejects(() => paramsField({ a: "1" }, "params"), /params\.a/);
    expect(riskField(undefined, "limits")).toEqual(DEFAULT_RISK_LIMITS);
    expect(riskField({ maxPositionLots: 5 }, "limits").maxPositionLots).toBe(5);
    rejects(() => riskField({ maxPositionLots: 0 }, "limits"), /maxPositionLots/);
    rejects(() => riskField({ bogus: 1 }, "limits"), /unknown field 'bogus'/);
  });

  it("canonical JSON sorts keys at every level, so equal details hash equally", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
});
