import { Packr, Unpackr } from "msgpackr";
import { errorLine } from "../text/printable.ts";
import { instrumentsProblem, type InstrumentSpec } from "./instrument.ts";
import { FORMAT_NAME, MAX_HEADER_BYTES, RECORDING_VERSION } from "./recordingFormat.ts";

/**
 * What a recording says about itself. Everything but `events` is stored as
 * the msgpack header at the start of the file; `events` comes from the
 * trailer, because a streaming writer only knows the count when it finishes.
 */
export interface RecordingHeader {
  format: "ringfence-recording";
  version: 1;
  instruments: InstrumentSpec[];
  /** Where the events came from: "synthetic", later "csv", "live". */
  source: string;
  /** Creation parameters (seed, counts, generator version). Never a wall-clock time: equal inputs give equal files. */
  createdBy: Record<string, string | number>;
  events: number;
}

/** The part of the header a writer knows before the first event. */
export type RecordingHeaderFields = Omit<RecordingHeader, "events">;

export const MAX_SOURCE_CHARS = 256;
export const MAX_CREATED_BY_KEYS = 64;
export const MAX_CREATED_BY_KEY_CHARS = 64;
export const MAX_CREATED_BY_VALUE_CHARS = 1024;

// useRecords: false keeps the header plain msgpack maps that any msgpack tool
// can read (records would need msgpackr's extension to decode).
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** Returns why `h` is not a valid header (without `events`), or null. */
export function headerProblem(h: unknown): string | null {
  if (h === null || typeof h !== "object" || Array.isArray(h)) return "header must be a map";
  const o = h as Record<string, unknown>;
  if (o.format !== FORMAT_NAME) return `header field 'format' must be '${FORMAT_NAME}', got ${JSON.stringify(o.format)}`;
  if (o.version !== RECORDING_VERSION) return `header field 'version' must be ${RECORDING_VERSION}, got ${JSON.stringify(o.version)}`;
  if (typeof o.source !== "string" || o.source.length < 1 || o.source.length > MAX_SOURCE_CHARS) {
    return `header field 'source' must be a string of 1..${MAX_SOURCE_CHARS} characters`;
  }
  const cb = o.createdBy;
  if (cb === null || typeof cb !== "object" || Array.isArray(cb)) return "header field 'createdBy' must be a map";
  const keys = Object.keys(cb);
  if (keys.length > MAX_CREATED_BY_KEYS) return `header field 'createdBy' has ${keys.length} keys, at most ${MAX_CREATED_BY_KEYS} allowed`;
  for (const k of keys) {
    if (k.length < 1 || k.length > MAX_CREATED_BY_KEY_CHARS) return `header field 'createdBy' has a key of ${k.length} characters (1..${MAX_CREATED_BY_KEY_CHARS} allowed)`;
    const v = (cb as Record<string, unknown>)[k];
    const ok =
      (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && v.length <= MAX_CREATED_BY_VALUE_CHARS);
    if (!ok) return `header field 'createdBy.${k}' must be a finite number or a string of at most ${MAX_CREATED_BY_VALUE_CHARS} characters`;
  }
  const p = instrumentsProblem(o.instruments);
  return p === null ? null : `header field ${p}`;
}

/**
 * A copy of `h` holding only the known fields, in a fixed order, with
 * createdBy keys sorted: equal headers encode to equal bytes whatever order
 * the caller built them in. Allocates.
 */
export function canonicalHeader(h: RecordingHeaderFields): RecordingHeaderFields {
  const createdBy: Record<string, string | number> = {};
  for (const k of Object.keys(h.createdBy).sort()) createdBy[k] = h.createdBy[k];
  return {
    format: FORMAT_NAME,
    version: RECORDING_VERSION,
    source: h.source,
    createdBy,
    instruments: h.instruments.map((s) => ({ id: s.id, symbol: s.symbol, priceDecimals: s.priceDecimals, qtyDecimals: s.qtyDecimals })),
  };
}

/** msgpack bytes of a valid header; returns a problem string instead when it is not valid. */
export function encodeHeader(h: RecordingHeaderFields): Uint8Array | string {
  const problem = headerProblem(h);
  if (problem !== null) return problem;
  const bytes = packr.pack(canonicalHeader(h));
  if (bytes.length > MAX_HEADER_BYTES) return `header is ${bytes.length} bytes, over the ${MAX_HEADER_BYTES}-byte limit`;
  // Copy: msgpackr may hand out a view of a buffer it reuses for the next pack.
  return new Uint8Array(bytes);
}

/** Decodes and checks header bytes; returns a problem string when they are not a valid header. */
export function decodeHeader(bytes: Uint8Array): RecordingHeaderFields | string {
  let value: unknown;
  try {
    value = unpackr.unpack(bytes);
  } catch (e) {
    return `header is not valid msgpack (${errorLine(e)})`;
  }
  const problem = headerProblem(value);
  if (problem !== null) return problem;
  // Rebuild from known fields only: nothing msgpack produced (prototypes, extra keys) leaks further.
  return canonicalHeader(value as RecordingHeaderFields);
}
