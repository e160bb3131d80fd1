import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { EventKind } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_BYTES, EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { InputError } from "../../../host/cli/errors.ts";
import {
  decodeRecording,
  encodeRecording,
  readRecordingFile,
  RecordingError,
  RecordingReader,
  RecordingWriter,
  writeRecordingFile,
} from "../../../host/feed/recording.ts";
import { RECORDS_PER_BLOCK_MAX } from "../../../host/feed/recordingFormat.ts";
import { MemorySink } from "../../../host/feed/sinks.ts";
import { prng, testSeed } from "../../support/seed.ts";
import { expectRecordingError, header, layoutOf, randomEvents } from "./feedHelpers.ts";

const dir = mkdtempSync(join(tmpdir(), "rf-recording-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function recordBytes(words: Int32Array, count: number): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset, count * EVENT_RECORD_BYTES);
}

describe("encodeRecording / decodeRecording", () => {
  it("round-trips random valid events of every kind, at every block size (fast-check, seeded)", () => {
    const seed = testSeed("recording round trip");
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * RECORDS_PER_BLOCK_MAX + 5 }),
        fc.integer({ min: 1, max: RECORDS_PER_BLOCK_MAX }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (count, perBlock, instruments, dataSeed) => {
          const words = randomEvents(prng(dataSeed), count, instruments);
          const h = header(instruments);
          const sink = new MemorySink();
          const w = new RecordingWriter(sink, h, { recordsPerBlock: perBlock });
          w.append(words, 0, count);
          const summary = w.finish();
          const bytes = sink.bytes();
          const rec = decodeRecording(bytes, "prop.rfr");
          expect(rec.count).toBe(count);
          expect(rec.events.length).toBe(count * EVENT_RECORD_WORDS);
          expect(Buffer.from(recordBytes(rec.events, count)).equals(Buffer.from(recordBytes(words, count)))).toBe(true);
          expect(rec.header).toEqual({ ...h, events: count });
          expect(rec.eventsSha256).toBe(sha256(recordBytes(words, count)));
          expect(summary).toMatchObject({ events: count, bytes: bytes.length, blocks: Math.ceil(count / perBlock), fileSha256: sha256(bytes) });
          expect(summary.eventsSha256).toBe(rec.eventsSha256);
        },
      ),
      { seed, numRuns: 40 },
    );
  });

  it("decodes from a Node Buffer that starts inside a larger pooled ArrayBuffer", () => {
    const words = randomEvents(prng(4), 300, 2);
    const bytes = encodeRecording(header(2), words, 300);
    const pool = Buffer.alloc(bytes.length + 13, 0xee);
    pool.set(bytes, 5);
    const view = pool.subarray(5, 5 + bytes.length);
    const rec = decodeRecording(view, "pooled.rfr");
    expect(rec.count).toBe(300);
    expect(Buffer.from(recordBytes(rec.events, 300)).equals(Buffer.from(recordBytes(words, 300)))).toBe(true);
  });

  it("decodes the empty recording (no blocks)", () => {
    const bytes = encodeRecording(header(1), new Int32Array(0), 0);
    const rec = decodeRecording(bytes, "empty.rfr");
    expect(rec.count).toBe(0);
    expect(rec.events.length).toBe(0);
    expect(rec.header.events).toBe(0);
    expect(layoutOf(bytes).blocks).toHaveLength(0);
  });

  it("is byte-identical for equal input, whatever order createdBy keys were built in", () => {
    const words = randomEvents(prng(5), 5000, 3);
    const a = encodeRecording(header(3, { createdBy: { seed: 1, tool: "vitest" } }), words, 5000);
    const b = encodeRecording(header(3, { createdBy: { tool: "vitest", seed: 1 } }), words, 5000);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("encodes only `count` records of a longer array, and `at` appends from the middle", () => {
    const words = randomEvents(prng(6), 100, 2);
    const rec = decodeRecording(encodeRecording(header(2), words, 60), "part.rfr");
    expect(rec.count).toBe(60);
    const sink = new MemorySink();
    const w = new RecordingWriter(sink, header(2));
    w.append(words, 0, 10);
    w.append(words, 10, 50);
    w.finish();
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(encodeRecording(header(2), words, 60)))).toBe(true);
  });

  it("flush() writes short blocks that read back as one stream", () => {
    const words = randomEvents(prng(8), 1000, 2);
    const sink = new MemorySink();
    const w = new RecordingWriter(sink, header(2));
    for (let at = 0; at < 1000; at += 137) {
      w.append(words, at, Math.min(137, 1000 - at));
      w.flush();
      w.flush(); // nothing pending: no empty block
    }
    const s = w.finish();
    expect(s.blocks).toBe(Math.ceil(1000 / 137));
    expect(layoutOf(sink.bytes()).blocks.map((b) => b.records).reduce((x, y) => x + y)).toBe(1000);
    const rec = decodeRecording(sink.bytes(), "flushed.rfr");
    expect(Buffer.from(recordBytes(rec.events, 1000)).equals(Buffer.from(recordBytes(words, 1000)))).toBe(true);
  });

  it("refuses to write events that break the rules, naming the event", () => {
    const cases: [string, (w: Int32Array) => void, RegExp][] = [
      ["unknown kind", (w) => (w[3 * 16 + EventWord.kind] = 9), /event 3 .*unknown event kind 9/],
      ["undeclared instrument", (w) => (w[3 * 16 + EventWord.instrument] = 2), /event 3 .*instrument 2 is not declared \(the header has 2\)/],
      ["seq going back", (w) => (w[3 * 16 + EventWord.seqLo] = 0), /event 3 \(seq 0\): seq 0 after \d+/],
      ["time going back", (w) => (w[3 * 16 + EventWord.timeHi] -= 1), /event 3 .*timeNs goes backwards/],
    ];
    for (const [, edit, pattern] of cases) {
      const words = randomEvents(prng(3), 10, 2);
      for (let e = 0; e < 10; e++) words[e * 16 + EventWord.kind] = EventKind.Quote; // strictly increasing seq
      edit(words);
      expectRecordingError(() => encodeRecording(header(2), words, 10), "recording", pattern);
    }
  });

  it("refuses a header that breaks the rules, naming the field", () => {
    const words = new Int32Array(0);
    const bad: [Partial<Parameters<typeof header>[1]>, RegExp][] = [
      [{ source: "" }, /'source'/],
      [{ instruments: [] }, /instruments must hold 1\.\.1024 entries, got 0/],
      [{ instruments: [{ id: 1, symbol: "A", priceDecimals: 2, qtyDecimals: 0 }] }, /instruments\[0\]\.id must be 0, got 1/],
      [{ instruments: [{ id: 0, symbol: "ABCDEFGHIJKLMNOPQ", priceDecimals: 2, qtyDecimals: 0 }] }, /instruments\[0\]\.symbol must be 1\.\.16 printable ASCII/],
      [{ instruments: [{ id: 0, symbol: "A B", priceDecimals: 2, qtyDecimals: 0 }] }, /symbol/],
      [{ instruments: [{ id: 0, symbol: "A", priceDecimals: 10, qtyDecimals: 0 }] }, /instruments\[0\]\.priceDecimals must be an integer 0\.\.9/],
      [
        {
          instruments: [
            { id: 0, symbol: "A", priceDecimals: 2, qtyDecimals: 0 },
            { id: 1, symbol: "A", priceDecimals: 2, qtyDecimals: 0 },
          ],
        },
        /instruments\[1\]\.symbol 'A' is a duplicate/,
      ],
      [{ createdBy: { when: Number.NaN } }, /createdBy\.when/],
    ];
    for (const [extra, pattern] of bad) {
      expectRecordingError(() => encodeRecording(header(1, extra), words, 0), "recording", pattern);
    }
  });

  it("rejects misuse of the writer as a programming error", () => {
    const w = new RecordingWriter(new MemorySink(), header(1));
    expect(() => w.append(new Int32Array(16), 0, 2)).toThrow(RangeError);
    expect(() => new RecordingWriter(new MemorySink(), header(1), { recordsPerBlock: 0 })).toThrow(/recordsPerBlock=0/);
    w.finish();
    expect(() => w.append(new Int32Array(16), 0, 1)).toThrow(/finished/);
    expect(() => w.finish()).toThrow(/finished/);
  });
});

describe("recording files", () => {
  it("writeRecordingFile then readRecordingFile round-trips, leaving no temporary file", () => {
    const path = join(dir, "round.rfr");
    const words = randomEvents(prng(12), 9000, 4);
    const summary = writeRecordingFile(path, { header: header(4), events: words, count: 9000 });
    const bytes = readFileSync(path);
    expect(summary.fileSha256).toBe(sha256(bytes));
    expect(Buffer.from(bytes).equals(Buffer.from(encodeRecording(header(4), words, 9000)))).toBe(true);
    const rec = readRecordingFile(path);
    expect(rec.count).toBe(9000);
    expect(Buffer.from(recordBytes(rec.events, 9000)).equals(Buffer.from(recordBytes(words, 9000)))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("a failed write leaves neither the file nor a temporary file, and keeps an older file intact", () => {
    const path = join(dir, "keep.rfr");
    const good = randomEvents(prng(13), 50, 2);
    writeRecordingFile(path, { header: header(2), events: good, count: 50 });
    const before = readFileSync(path);
    const bad = good.slice();
    bad[40 * 16 + EventWord.kind] = 0;
    expectRecordingError(() => writeRecordingFile(path, { header: header(2), events: bad, count: 50 }), path, /event 40 .*unknown event kind 0/);
    expect(readFileSync(path).equals(before)).toBe(true);
    const fresh = join(dir, "never.rfr");
    expect(() => writeRecordingFile(fresh, { header: header(2), events: bad, count: 50 })).toThrow(RecordingError);
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("names a missing directory or a directory as the target", () => {
    const target = join(dir, "no", "such", "x.rfr");
    expectRecordingError(() => RecordingWriter.toFile(target, header(1)), target, /cannot write: directory '.*no\/such' does not exist/);
    const sub = join(dir, "adir");
    mkdirSync(sub);
    expectRecordingError(() => RecordingWriter.toFile(sub, header(1)), sub, /cannot write: it is a directory/);
  });

  it("reading a missing, directory or empty file is a one-line InputError", () => {
    const missing = join(dir, "missing.rfr");
    const empty = join(dir, "empty.rfr");
    writeFileSync(empty, "");
    for (const [path, pattern] of [
      [missing, /^recording '.*missing\.rfr' does not exist$/],
      [dir, /^recording '.*' is a directory, expected a file$/],
      [empty, /^recording '.*empty\.rfr' is empty \(0 bytes\), expected a ringfence recording$/],
    ] as const) {
      let caught: unknown;
      try {
        readRecordingFile(path);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(InputError);
      expect((caught as Error).message).toMatch(pattern);
    }
  });

  it("the streaming reader sees the same events block by block, in constant memory", () => {
    const path = join(dir, "stream.rfr");
    const words = randomEvents(prng(14), 3 * RECORDS_PER_BLOCK_MAX + 11, 3);
    writeRecordingFile(path, { header: header(3), events: words, count: words.length / 16 });
    const reader = RecordingReader.openFile(path);
    const block = new Int32Array(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS);
    const got: number[] = [];
    const hash = createHash("sha256");
    try {
      for (let n = reader.readBlock(block, 0); n > 0; n = reader.readBlock(block, 0)) {
        got.push(n);
        hash.update(recordBytes(block, n));
      }
      expect(reader.done).toBe(true);
      expect(reader.readBlock(block, 0)).toBe(0);
    } finally {
      reader.close();
    }
    expect(got).toEqual([4096, 4096, 4096, 11]);
    expect(hash.digest("hex")).toBe(sha256(recordBytes(words, words.length / 16)));
    expect(reader.eventsSha256).toBe(sha256(recordBytes(words, words.length / 16)));
  });
});
