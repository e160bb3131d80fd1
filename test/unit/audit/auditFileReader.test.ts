// AuditFileReader: an audit file read from disk through a window smaller
// than one block gives the entries and the verdict verifyAuditBytes gives
// for the whole file in memory — for good files of both formats, for every
// flipped byte and every truncation — while its buffer never grows past the
// window, or one frame larger than it.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeAuditFile, verifyAuditBytes, type AuditVerifyResult } from "../../../host/audit/auditFile.ts";
import { AuditFileReader, MIN_WINDOW_BYTES } from "../../../host/audit/auditFileReader.ts";
import type { DecodedAuditEntry } from "../../../host/audit/auditEncoding.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { parseFile, sampleLogs, v1File } from "./auditFixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "rf-audit-reader-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Read {
  header: AuditFileReader["header"];
  entries: [number, DecodedAuditEntry][];
  result: AuditVerifyResult;
  highWaterBytes: number;
}

/** `bytes` written to a file and read back streaming through a `windowBytes` window. */
function readStreaming(bytes: Uint8Array, windowBytes: number): Read {
  const path = join(dir, "f.audit");
  writeFileSync(path, bytes);
  const reader = AuditFileReader.open(path, windowBytes);
  try {
    const entries: [number, DecodedAuditEntry][] = [];
    const walk = reader.entries();
    for (;;) {
      const r = walk.next();
      if (r.done) return { header: reader.header, entries, result: r.value, highWaterBytes: reader.highWaterBytes };
      entries.push([r.value.chainIndex, r.value.entry]);
    }
  } finally {
    reader.close();
  }
}

/** What the whole-file verifier says of the same bytes. */
function readWhole(bytes: Uint8Array): { entries: [number, DecodedAuditEntry][]; result: AuditVerifyResult } {
  const entries: [number, DecodedAuditEntry][] = [];
  const result = verifyAuditBytes(bytes, (c, e) => entries.push([c, e]));
  return { entries, result };
}

/** The largest frame (length prefix and entry) in a well-formed format-2 file. */
function largestFrameBytes(bytes: Uint8Array): number {
  return Math.max(0, ...parseFile(bytes).chains.flatMap((c) => c.frames.map((f) => 4 + f.length)));
}

describe("AuditFileReader", () => {
  it("reads good files through windows far smaller than the file: the same entries and result, and a buffer no larger than the window or one frame", () => {
    const seed = testSeed("auditFileReader.good");
    const rand = prng(seed);
    for (let round = 0; round < 12; round++) {
      const bytes = encodeAuditFile(sampleLogs(randInt(rand, 0, 2 ** 31), randInt(rand, 50, 400), randInt(rand, 1, 64)));
      const windowBytes = randInt(rand, MIN_WINDOW_BYTES, 2048);
      const where = `seed ${seed} round ${round}: ${bytes.length} bytes through a ${windowBytes}-byte window`;
      const whole = readWhole(bytes);
      expect(whole.result.ok, where).toBe(true);
      const streamed = readStreaming(bytes, windowBytes);
      expect(streamed.result, where).toEqual(whole.result);
      expect(streamed.entries, where).toEqual(whole.entries);
      expect(streamed.highWaterBytes, where).toBeLessThanOrEqual(Math.max(windowBytes, largestFrameBytes(bytes)));
      expect(streamed.highWaterBytes * 4, where).toBeLessThan(bytes.length);
    }
  });

  it("an entry larger than the window grows the buffer to that one frame, no further", () => {
    const log = new AuditLog("strategy:big", 4);
    const big = 200_000 + randInt(prng(testSeed("auditFileReader.bigEntry")), 0, 100_000);
    for (let i = 0; i < 10; i++) log.append({ eventIndex: i, timeNs: i, call: "log", args: [1], result: 0, detail: i === 5 ? "y".repeat(big) : "x" });
    const bytes = encodeAuditFile([log]);
    const streamed = readStreaming(bytes, 1024);
    expect(streamed.result).toEqual(readWhole(bytes).result);
    expect(streamed.entries[5][1].detail).toHaveLength(big);
    expect(streamed.highWaterBytes).toBe(largestFrameBytes(bytes));
  });

  it("every flipped byte and every truncation is reported as the whole-file verifier reports it, after the same entries", () => {
    const seed = testSeed("auditFileReader.broken");
    const rand = prng(seed);
    const bytes = encodeAuditFile(sampleLogs(seed, 6));
    for (let at = 0; at < bytes.length; at++) {
      const bad = bytes.slice();
      bad[at] ^= randInt(rand, 1, 255);
      const whole = readWhole(bad);
      const streamed = readStreaming(bad, MIN_WINDOW_BYTES);
      expect(streamed.result, `seed ${seed}: byte ${at}`).toEqual(whole.result);
      expect(streamed.entries, `seed ${seed}: byte ${at}`).toEqual(whole.entries);
    }
    for (let size = 0; size < bytes.length; size++) {
      const short = bytes.subarray(0, size);
      const streamed = readStreaming(short, MIN_WINDOW_BYTES);
      expect(streamed.result.ok, `truncated to ${size}`).toBe(false);
      expect(streamed.result, `truncated to ${size}`).toEqual(readWhole(short).result);
    }
  });

  it("format 1: the same entries and verdict through a small window, a changed byte named at its entry", () => {
    const seed = testSeed("auditFileReader.v1");
    const rand = prng(seed);
    const { bytes, chains, frameAt } = v1File(seed);
    const streamed = readStreaming(bytes, MIN_WINDOW_BYTES);
    expect(streamed.result).toMatchObject({ ok: true, formatVersion: 1, chains });
    expect(streamed.entries).toEqual(readWhole(bytes).entries);
    for (let trial = 0; trial < 20; trial++) {
      const c = randInt(rand, 0, 2);
      const k = randInt(rand, 0, frameAt[c].length - 1);
      const bad = bytes.slice();
      bad[frameAt[c][k] + 4 + 8 + randInt(rand, 0, 20)] ^= randInt(rand, 1, 255);
      expect(readStreaming(bad, MIN_WINDOW_BYTES).result.firstBroken, `seed ${seed}`).toMatchObject({ part: "entry", chainIndex: c, index: k });
    }
  });

  it("checks the file header at open, without walking the file", () => {
    const path = join(dir, "header.audit");
    writeFileSync(path, encodeAuditFile(sampleLogs(1)));
    const good = AuditFileReader.open(path);
    expect(good.header).toEqual({ formatVersion: 2, chainCount: 4 });
    good.close();
    writeFileSync(path, Buffer.from("RFAUDIX1\x02\x00\x00\x00\x01\x00\x00\x00", "latin1"));
    const bad = AuditFileReader.open(path);
    expect(bad.header).toMatchObject({ part: "file", reason: "not a ringfence audit file (bad magic)" });
    bad.close();
  });

  it("a file cut short while it is read is an error saying so, not a chain that ends early", () => {
    const path = join(dir, "shrinks.audit");
    const bytes = encodeAuditFile(sampleLogs(2, 200));
    writeFileSync(path, bytes);
    const reader = AuditFileReader.open(path, MIN_WINDOW_BYTES);
    try {
      truncateSync(path, Math.floor(bytes.length / 2));
      const walk = reader.entries();
      expect(() => {
        while (!walk.next().done);
      }).toThrow(/it changed while it was read/);
    } finally {
      reader.close();
    }
  });

  it("refuses a window below the minimum, and a path that is not a regular file", () => {
    const path = join(dir, "w.audit");
    writeFileSync(path, encodeAuditFile([]));
    expect(() => AuditFileReader.open(path, MIN_WINDOW_BYTES - 1)).toThrow(new RegExp(`windowBytes must be an integer ≥ ${MIN_WINDOW_BYTES}, got ${MIN_WINDOW_BYTES - 1}`));
    mkdirSync(join(dir, "a-directory"));
    expect(() => AuditFileReader.open(join(dir, "a-directory"))).toThrow(/is not a regular file/);
  });
});
