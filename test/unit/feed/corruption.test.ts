/**
 * Every way a recording can be damaged is refused with one line that names
 * the file and where it broke. Flips and cuts are seeded (the seed is
 * printed); structural edits are re-sealed (checksums recomputed) so the
 * check under test, not a checksum, is what fires.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { crc32 } from "node:zlib";
import { join } from "node:path";
import { Packr } from "msgpackr";
import { afterAll, describe, expect, it } from "vitest";
import { EventKind } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_BYTES, EventOffset } from "../../../host/abi/eventRecord.ts";
import { decodeRecording, encodeRecording, readRecordingFile } from "../../../host/feed/recording.ts";
import {
  BLOCK_HEADER_BYTES,
  BlockOffset,
  PREFIX_BYTES,
  PrefixOffset,
  RECORDS_PER_BLOCK_MAX,
  TRAILER_BYTES,
  TrailerOffset,
} from "../../../host/feed/recordingFormat.ts";
import { generateSynthetic } from "../../../host/feed/synthetic.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { eventByte, expectRecordingError, layoutOf, reseal } from "./feedHelpers.ts";

const NAME = "data.rfr";
const EVENTS = 2 * RECORDS_PER_BLOCK_MAX + 100; // two full blocks and a short one
const synthetic = generateSynthetic({ seed: 3, events: EVENTS, instruments: 3 });
const good = encodeRecording(synthetic.header, synthetic.events, synthetic.count);
const lay = layoutOf(good);
const headerEnd = PREFIX_BYTES + new DataView(good.buffer).getUint32(PrefixOffset.headerBytes, true);

const dir = mkdtempSync(join(tmpdir(), "rf-corrupt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function decode(bytes: Uint8Array): () => unknown {
  return () => decodeRecording(bytes, NAME);
}

function flipped(at: number, mask = 0x01): Uint8Array {
  const b = good.slice();
  b[at] ^= mask;
  return b;
}

function setU32(bytes: Uint8Array, at: number, v: number): Uint8Array {
  const b = bytes.slice();
  new DataView(b.buffer).setUint32(at, v >>> 0, true);
  return b;
}

/** Which block (or region) holds byte `at`. */
function regionOf(at: number): string {
  if (at < headerEnd) return "prefix or header";
  if (at < lay.dataStart) return "padding";
  for (let i = 0; i < lay.blocks.length; i++) {
    const b = lay.blocks[i];
    if (at < b.at + BLOCK_HEADER_BYTES + b.records * EVENT_RECORD_BYTES) return `block ${i}`;
  }
  return "trailer";
}

describe("the intact file", () => {
  it("decodes, and has the layout these tests assume", () => {
    expect(decodeRecording(good, NAME).count).toBe(EVENTS);
    expect(lay.blocks.map((b) => b.records)).toEqual([RECORDS_PER_BLOCK_MAX, RECORDS_PER_BLOCK_MAX, 100]);
    expect(lay.trailerAt + TRAILER_BYTES).toBe(good.length);
  });
});

describe("wrong or empty files", () => {
  it("empty", () => {
    expectRecordingError(decode(new Uint8Array(0)), NAME, /^data\.rfr: empty file \(0 bytes\), expected a ringfence recording$/);
  });

  it("wrong magic: JSON, a wasm module, text", () => {
    for (const text of ['{"format":"ringfence-recording"}', "\0asm\x01\0\0\0", "hello"]) {
      expectRecordingError(decode(new TextEncoder().encode(text)), NAME, /not a ringfence recording \(first bytes [0-9a-f ]+, expected 89 52 46 52 0d 0a 1a 0a\)/);
    }
  });

  it("a future version is named before anything else is checked", () => {
    for (const v of [2, 0, 0xffffffff]) {
      expectRecordingError(decode(setU32(good, PrefixOffset.version, v)), NAME, new RegExp(`^data\\.rfr: unsupported recording version ${v}, this ringfence reads 1$`));
    }
    // Even when the rest of the file is not there.
    expectRecordingError(decode(setU32(good, PrefixOffset.version, 2).subarray(0, 12)), NAME, /unsupported recording version 2/);
  });

  it("bytes after the trailer", () => {
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    expectRecordingError(decode(longer), NAME, new RegExp(`3 unexpected bytes after the trailer at byte ${good.length}$`));
  });
});

describe("flipped bytes", () => {
  it("every byte of the prefix and header", () => {
    for (let at = 0; at < headerEnd; at++) {
      const msg = expectRecordingError(decode(flipped(at)), NAME, /./);
      const expected =
        at < PrefixOffset.version
          ? /not a ringfence recording/
          : at < PrefixOffset.headerBytes
            ? /unsupported recording version/
            : at < PrefixOffset.reserved
              ? /header (length|checksum mismatch)|truncated in the header/
              : at < PrefixOffset.headerCrc32
                ? /reserved prefix field at byte 16 is \d+, expected 0/
                : /header checksum mismatch in bytes 0\.\.\d+ \(stored crc32 [0-9a-f]{8}, computed [0-9a-f]{8}\)/;
      expect(msg, `flip at byte ${at}`).toMatch(expected);
    }
  });

  it("header padding", () => {
    for (let at = headerEnd; at < lay.dataStart; at++) {
      expectRecordingError(decode(flipped(at)), NAME, new RegExp(`header padding byte ${at} is 1, expected 0`));
    }
  });

  it("seeded bytes of every block name that block", () => {
    const rand = prng(testSeed("block flips"));
    for (let i = 0; i < lay.blocks.length; i++) {
      const b = lay.blocks[i];
      const end = b.at + BLOCK_HEADER_BYTES + b.records * EVENT_RECORD_BYTES;
      const offsets = new Set<number>();
      for (let k = 0; k < BLOCK_HEADER_BYTES; k++) offsets.add(b.at + k); // every header byte
      for (let k = 0; k < 200; k++) offsets.add(randInt(rand, b.at + BLOCK_HEADER_BYTES, end - 1));
      for (const at of offsets) {
        const msg = expectRecordingError(decode(flipped(at, 1 << randInt(rand, 0, 7))), NAME, /./);
        expect(msg, `flip at byte ${at}`).toContain(`block ${i}`);
        if (at >= b.at + BLOCK_HEADER_BYTES) expect(msg).toMatch(new RegExp(`block ${i} at byte ${b.at} fails its checksum`));
      }
    }
  });

  it("every byte of the trailer", () => {
    for (let at = lay.trailerAt; at < good.length; at++) {
      const msg = expectRecordingError(decode(flipped(at)), NAME, /./);
      expect(msg, `flip at byte ${at}`).toMatch(
        at < lay.trailerAt + 4
          ? new RegExp(`bad tag [0-9a-f ]+ at byte ${lay.trailerAt} where block 3 or the trailer should start`)
          : new RegExp(`trailer at byte ${lay.trailerAt} fails its checksum`),
      );
    }
  });
});

describe("truncation", () => {
  it("at seeded offsets and every structure boundary, naming where", () => {
    const rand = prng(testSeed("truncation"));
    const cuts = new Set<number>([1, 7, 8, 11, 12, 23, 24, headerEnd - 1, headerEnd, lay.dataStart, good.length - 1]);
    for (const b of lay.blocks) for (const d of [0, 3, 4, 23, 24, 25, 64]) cuts.add(b.at + d);
    for (const d of [0, 4, 55]) cuts.add(lay.trailerAt + d);
    for (let k = 0; k < 300; k++) cuts.add(randInt(rand, 1, good.length - 1));
    for (const cut of cuts) {
      const msg = expectRecordingError(decode(good.subarray(0, cut)), NAME, /truncated/);
      const where = regionOf(cut);
      if (where.startsWith("block")) {
        const i = Number(where.slice(6));
        const b = lay.blocks[i];
        if (cut === b.at) {
          expect(msg).toBe(i === 0 ? `${NAME}: truncated after the header at byte ${cut} (no blocks and no trailer: the writer did not finish)` : `${NAME}: truncated after block ${i - 1} at byte ${cut} (no trailer: the writer did not finish)`);
        } else if (cut >= b.at + BLOCK_HEADER_BYTES) {
          const missing = b.at + BLOCK_HEADER_BYTES + b.records * EVENT_RECORD_BYTES - cut;
          expect(msg).toBe(`${NAME}: truncated in block ${i} at byte ${cut} (expected ${missing} more bytes)`);
        } else {
          expect(msg).toMatch(new RegExp(`truncated in block ${i} `));
        }
      } else if (where === "trailer") {
        expect(msg).toMatch(cut === lay.trailerAt ? /truncated after block 2/ : new RegExp(`truncated in (the trailer|block 3) at byte ${cut}`));
      } else {
        expect(msg).toMatch(/truncated in the (file prefix|header|header padding) at byte \d+ \(expected \d+ more bytes\)/);
      }
    }
  });

  it("reading a truncated file names the path", () => {
    const path = join(dir, "cut.rfr");
    const cut = lay.blocks[1].at + BLOCK_HEADER_BYTES + 1000;
    writeFileSync(path, good.subarray(0, cut));
    expectRecordingError(() => readRecordingFile(path), path, new RegExp(`truncated in block 1 at byte ${cut} \\(expected ${RECORDS_PER_BLOCK_MAX * 64 - 1000} more bytes\\)$`));
  });
});

describe("structure that checksums cannot catch (re-sealed edits)", () => {
  it("a block claiming 0 or too many records", () => {
    const b1 = lay.blocks[1].at;
    expectRecordingError(decode(setU32(good, b1 + BlockOffset.records, 0)), NAME, new RegExp(`block 1 at byte ${b1} claims 0 records \\(1\\.\\.4096 allowed\\)`));
    expectRecordingError(decode(setU32(good, b1 + BlockOffset.records, 5000)), NAME, /block 1 at byte \d+ claims 5000 records/);
  });

  it("a block whose firstSeq disagrees with its first event", () => {
    const b1 = lay.blocks[1].at;
    const edited = reseal(setU32(good, b1 + BlockOffset.firstSeq, 7));
    expectRecordingError(decode(edited), NAME, new RegExp(`block 1 at byte ${b1} says its first seq is 7 but its first event has seq ${RECORDS_PER_BLOCK_MAX + 1}`));
  });

  it("nonzero reserved fields", () => {
    expectRecordingError(decode(reseal(setU32(good, lay.blocks[0].at + BlockOffset.reserved, 1))), NAME, /block 0 at byte \d+: reserved field is not 0/);
    expectRecordingError(decode(reseal(setU32(good, lay.trailerAt + TrailerOffset.reserved, 1))), NAME, /trailer at byte \d+: reserved field is not 0/);
  });

  it("a trailer that miscounts blocks or events, or carries the wrong digest", () => {
    const t = lay.trailerAt;
    expectRecordingError(decode(reseal(setU32(good, t + TrailerOffset.blocks, 4))), NAME, new RegExp(`trailer at byte ${t} counts 4 blocks, the file holds 3`));
    expectRecordingError(decode(reseal(setU32(good, t + TrailerOffset.events, EVENTS + 1))), NAME, new RegExp(`trailer at byte ${t} counts ${EVENTS + 1} events, the blocks hold ${EVENTS}`));
    // Digest edited but its crc recomputed: only the sha256 comparison can see it.
    const b = good.slice();
    b[t + TrailerOffset.eventsSha256] ^= 0xff;
    new DataView(b.buffer).setUint32(t + TrailerOffset.crc32, crc32(b.subarray(t, t + TrailerOffset.crc32)), true);
    expectRecordingError(decode(b), NAME, /trailer at byte \d+: events sha256 mismatch \(stored [0-9a-f]{16}…, computed [0-9a-f]{16}…\)/);
  });

  it("events that break the rules name the event, its block and its byte", () => {
    const e = RECORDS_PER_BLOCK_MAX + 10; // in block 1
    const at = eventByte(good, e, 0);
    const cases: [number, number, RegExp][] = [
      [EventOffset.kind, 6, /unknown event kind 6/],
      [EventOffset.instrument, 3, /instrument 3 is not declared \(the header has 3\)/],
      [EventOffset.seq, 5, new RegExp(`seq 5 after ${e} \\(seq must not decrease\\)`)],
      [EventOffset.seq, e, new RegExp(`market event seq ${e} after ${e} \\(Quote/Trade seq must increase\\)`)],
      [EventOffset.timeNs + 4, 0, /timeNs goes backwards/],
      [EventOffset.timeNs + 4, 0x80000000, /timeNs is negative/],
      [EventOffset.qty + 4, 0xffffffff, /negative quantity in a market event/],
      [EventOffset.price + 4, 0x00400000, /price or quantity outside ±2\^53/],
    ];
    for (const [field, value, pattern] of cases) {
      const msg = expectRecordingError(decode(reseal(setU32(good, eventByte(good, e, field), value))), NAME, pattern);
      expect(msg).toContain(`${NAME}: event ${e} (block 1, byte ${at}): `);
    }
    // A trade's aggressor must be a Side.
    let trade = e;
    while (synthetic.events[trade * 16] !== EventKind.Trade) trade++;
    expectRecordingError(decode(reseal(setU32(good, eventByte(good, trade, EventOffset.flags), 3))), NAME, new RegExp(`event ${trade} .*trade aggressor 3 is not 0, Buy or Sell`));
  });

  it("a header with the right checksum but wrong content", () => {
    const packr = new Packr({ useRecords: false });
    const withHeader = (value: unknown, raw?: Uint8Array): Uint8Array => {
      const h = raw ?? packr.pack(value);
      const padded = Math.ceil((PREFIX_BYTES + h.length) / 8) * 8;
      const out = new Uint8Array(padded + (good.length - lay.dataStart));
      out.set(good.subarray(0, PREFIX_BYTES));
      new DataView(out.buffer).setUint32(PrefixOffset.headerBytes, h.length, true);
      out.set(h, PREFIX_BYTES);
      out.set(good.subarray(lay.dataStart), padded);
      return reseal(out);
    };
    const base = { format: "ringfence-recording", version: 1, source: "x", createdBy: {}, instruments: synthetic.header.instruments };
    expectRecordingError(decode(withHeader({ ...base, format: "other" })), NAME, /header field 'format' must be 'ringfence-recording', got "other" \(header at byte 24\)/);
    expectRecordingError(decode(withHeader({ ...base, version: 2 })), NAME, /header field 'version' must be 1/);
    expectRecordingError(decode(withHeader({ ...base, instruments: [] })), NAME, /header field instruments must hold 1\.\.1024 entries, got 0/);
    expectRecordingError(decode(withHeader([1, 2])), NAME, /header must be a map/);
    expectRecordingError(decode(withHeader(null, new Uint8Array([0xc1, 0, 0]))), NAME, /header/);
    expectRecordingError(decode(withHeader(null, new Uint8Array([0x92, 0x01]))), NAME, /header is not valid msgpack/);
    // Fewer instruments than the events use: the first event on instrument 1 is refused.
    const one = withHeader({ ...base, instruments: [synthetic.header.instruments[0]] });
    expectRecordingError(decode(one), NAME, /instrument [12] is not declared \(the header has 1\)/);
    // A header length over the limit is refused before anything is read.
    expectRecordingError(decode(setU32(good, PrefixOffset.headerBytes, 0)), NAME, /header length 0 at byte 12 is outside 1\.\.1048576/);
    expectRecordingError(decode(setU32(good, PrefixOffset.headerBytes, 1 << 24)), NAME, /header length 16777216 at byte 12 is outside/);
  });
});
