/**
 * Datasets a backtest may name. Only the deterministic synthetic market
 * (host/feed/synthetic.ts) for now: a request names it by its options, so no
 * client ever sends or names a file. Sizes are capped so one job cannot
 * take the machine (1 000 000 events = 64 MB of records in a worker).
 */
import { badRequest } from "../apiError.ts";
import { intField, jsonObject, onlyFields } from "../requestFields.ts";
import type { DatasetSpec } from "../store/records.ts";

export const MAX_DATASET_EVENTS = 1_000_000;
export const MAX_DATASET_INSTRUMENTS = 8;
export const DEFAULT_DATASET: DatasetSpec = Object.freeze({ kind: "synthetic", seed: 42, events: 50_000, instruments: 2 });

/** `{"kind": "synthetic", "seed", "events", "instruments"}`; absent fields take DEFAULT_DATASET's. */
export function parseDataset(v: unknown): DatasetSpec {
  if (v === undefined) return DEFAULT_DATASET;
  const o = jsonObject(v, "dataset");
  onlyFields(o, ["kind", "seed", "events", "instruments"], "dataset");
  if (o.kind !== undefined && o.kind !== "synthetic") throw badRequest(`dataset.kind must be "synthetic"`);
  return {
    kind: "synthetic",
    seed: intField(o, "seed", DEFAULT_DATASET.seed, 0, 2 ** 32 - 1, "dataset"),
    events: intField(o, "events", DEFAULT_DATASET.events, 1, MAX_DATASET_EVENTS, "dataset"),
    instruments: intField(o, "instruments", DEFAULT_DATASET.instruments, 1, MAX_DATASET_INSTRUMENTS, "dataset"),
  };
}

export function datasetLabel(d: DatasetSpec): string {
  return `synthetic seed=${d.seed} events=${d.events} instruments=${d.instruments}`;
}
