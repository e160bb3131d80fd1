/** Shared helpers for the feed tests: valid random events and re-sealing hand-edited files. */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { expect } from "vitest";
import { EventKind } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_BYTES, EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { writeI64 } from "../../../host/abi/int64.ts";
import type { RecordingHeaderFields } from "../../../host/feed/recordingHeader.ts";
import { RecordingError } from "../../../host/feed/recordingError.ts";
import {
  BLOCK_CRC_BYTES,
  BLOCK_HEADER_BYTES,
  BLOCK_TAG,
  BlockOffset,
  dataStart,
  PREFIX_BYTES,
  PREFIX_CRC_BYTES,
  PrefixOffset,
  TRAILER_BYTES,
  TRAILER_CRC_BYTES,
  TrailerOffset,
} from "../../../host/feed/recordingFormat.ts";
import { randInt } from "../../support/seed.ts";

export function header(instruments = 3, extra: Partial<RecordingHeaderFields> = {}): RecordingHeaderFields {
  return {
    format: "ringfence-recording",
    version: 1,
    source: "test",
    createdBy: { seed: 1, tool: "vitest" },
    instruments: Array.from({ length: instruments }, (_, i) => ({ id: i, symbol: `T${i}`, priceDecimals: 2, qtyDecimals: 0 })),
    ...extra,
  };
}

/**
 * `count` events that obey every recording rule, with awkward values: real
 * epoch nanoseconds (above 2^53), lo-word carries, prices up to 2^53 - 1,
 * every kind, equal times, Fill/OrderUpdate/Timer reusing the last market seq.
 */
export function randomEvents(rand: () => number, count: number, instruments: number): Int32Array {
  const words = new Int32Array(count * EVENT_RECORD_WORDS);
  let seq = randInt(rand, 0, 1000);
  let timeHi = 0x1887dc1d;
  let timeLo = 0xffff0000 + randInt(rand, 0, 0xffff); // a carry into timeHi comes early
  for (let e = 0; e < count; e++) {
    const w = e * EVENT_RECORD_WORDS;
    const r = rand();
    const kind =
      e === 0 || r < 0.5 ? EventKind.Quote : r < 0.8 ? EventKind.Trade : r < 0.9 ? EventKind.Fill : r < 0.95 ? EventKind.OrderUpdate : EventKind.Timer;
    const market = kind === EventKind.Quote || kind === EventKind.Trade;
    if (market) seq += randInt(rand, 1, 3);
    timeLo += rand() < 0.2 ? 0 : randInt(rand, 1, 5_000_000);
    if (timeLo >= 4294967296) {
      timeLo -= 4294967296;
      timeHi++;
    }
    words[w + EventWord.kind] = kind;
    words[w + EventWord.instrument] = randInt(rand, 0, instruments - 1);
    writeI64(words, w + EventWord.seqLo, seq);
    words[w + EventWord.timeLo] = timeLo;
    words[w + EventWord.timeHi] = timeHi;
    const big = rand() < 0.05;
    writeI64(words, w + EventWord.priceLo, big ? Number.MAX_SAFE_INTEGER - randInt(rand, 0, 9) : randInt(rand, 1, 10_000_000));
    writeI64(words, w + EventWord.qtyLo, randInt(rand, 0, 1_000_000));
    writeI64(words, w + EventWord.price2Lo, kind === EventKind.Quote ? randInt(rand, 1, 10_000_000) : market ? 0 : -randInt(rand, 0, 10));
    writeI64(words, w + EventWord.qty2Lo, market ? randInt(rand, 0, 1000) : randInt(rand, 0, 1000));
    words[w + EventWord.ref] = market ? 0 : randInt(rand, 0, 0x7fffffff);
    words[w + EventWord.flags] = kind === EventKind.Trade ? randInt(rand, 0, 2) : kind === EventKind.Quote ? 0 : randInt(rand, 0, 0xffff);
  }
  return words;
}

/** Runs `f`, expects a one-line RecordingError starting with `name: ` that matches `pattern`; returns the message. */
export function expectRecordingError(f: () => unknown, name: string, pattern: RegExp): string {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a RecordingError matching ${pattern}`).toBeInstanceOf(RecordingError);
  const msg = (caught as Error).message;
  expect(msg).not.toContain("\n");
  expect(msg.startsWith(`${name}: `), msg).toBe(true);
  expect(msg).toMatch(pattern);
  return msg;
}

interface Layout {
  dataStart: number;
  /** Start offset of each block. */
  blocks: { at: number; records: number }[];
  trailerAt: number;
}

/** Where the blocks and the trailer of a well-formed file are. */
export function layoutOf(bytes: Uint8Array): Layout {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const ds = dataStart(dv.getUint32(PrefixOffset.headerBytes, true));
  const blocks: Layout["blocks"] = [];
  let at = ds;
  while (dv.getUint32(at, true) === BLOCK_TAG) {
    const records = dv.getUint32(at + BlockOffset.records, true);
    blocks.push({ at, records });
    at += BLOCK_HEADER_BYTES + records * EVENT_RECORD_BYTES;
  }
  return { dataStart: ds, blocks, trailerAt: at };
}

/**
 * Recomputes every checksum and digest after a test edited records or
 * headers on purpose, so the reader gets past the checksums to the rule
 * under test. Does not touch counts.
 */
export function reseal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  const headerBytes = dv.getUint32(PrefixOffset.headerBytes, true);
  dv.setUint32(
    PrefixOffset.headerCrc32,
    crc32(out.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes), crc32(out.subarray(0, PREFIX_CRC_BYTES))),
    true,
  );
  const lay = layoutOf(out);
  const sha = createHash("sha256");
  for (const b of lay.blocks) {
    const records = out.subarray(b.at + BLOCK_HEADER_BYTES, b.at + BLOCK_HEADER_BYTES + b.records * EVENT_RECORD_BYTES);
    dv.setUint32(b.at + BlockOffset.crc32, crc32(records, crc32(out.subarray(b.at, b.at + BLOCK_CRC_BYTES))), true);
    sha.update(records);
  }
  const t = lay.trailerAt;
  out.set(sha.digest(), t + TrailerOffset.eventsSha256);
  dv.setUint32(t + TrailerOffset.crc32, crc32(out.subarray(t, t + TRAILER_CRC_BYTES)), true);
  expect(t + TRAILER_BYTES).toBe(out.length);
  return out;
}

/** File offset of byte `byteInRecord` of event `e` (events numbered from 0 across blocks). */
export function eventByte(bytes: Uint8Array, e: number, byteInRecord: number): number {
  const lay = layoutOf(bytes);
  let first = 0;
  for (const b of lay.blocks) {
    if (e < first + b.records) return b.at + BLOCK_HEADER_BYTES + (e - first) * EVENT_RECORD_BYTES + byteInRecord;
    first += b.records;
  }
  throw new Error(`event ${e} is not in the file`);
}
