import { describe, expect, it } from "vitest";
import { EVENT_RECORD_BYTES } from "../../../host/abi/eventRecord.ts";
import {
  BLOCK_CRC_BYTES,
  BLOCK_HEADER_BYTES,
  BLOCK_TAG,
  BlockOffset,
  dataStart,
  DATA_ALIGN,
  MAGIC,
  MAGIC_BYTES,
  PREFIX_BYTES,
  PREFIX_CRC_BYTES,
  PrefixOffset,
  recordingByteLength,
  RECORDS_PER_BLOCK_MAX,
  SHA256_BYTES,
  TRAILER_BYTES,
  TRAILER_CRC_BYTES,
  TRAILER_TAG,
  TrailerOffset,
} from "../../../host/feed/recordingFormat.ts";
import { encodeRecording } from "../../../host/feed/recording.ts";
import { header, randomEvents } from "./feedHelpers.ts";
import { prng } from "../../support/seed.ts";

/** Field offsets in order, with the size of each, must tile the structure exactly. */
function expectTiled(offsets: Record<string, number>, sizes: Record<string, number>, total: number): void {
  let at = 0;
  for (const [name, off] of Object.entries(offsets)) {
    expect(off, `${name} starts where the previous field ends`).toBe(at);
    at += sizes[name];
  }
  expect(at).toBe(total);
}

describe("recording format descriptor", () => {
  it("prefix, block header and trailer fields tile their structures", () => {
    expectTiled(PrefixOffset, { magic: MAGIC_BYTES, version: 4, headerBytes: 4, reserved: 4, headerCrc32: 4 }, PREFIX_BYTES);
    expectTiled(BlockOffset, { tag: 4, records: 4, firstSeq: 8, reserved: 4, crc32: 4 }, BLOCK_HEADER_BYTES);
    expectTiled(TrailerOffset, { tag: 4, blocks: 4, events: 8, eventsSha256: SHA256_BYTES, reserved: 4, crc32: 4 }, TRAILER_BYTES);
    // Each checksum is the last field and covers everything before it.
    expect(PREFIX_CRC_BYTES).toBe(PrefixOffset.headerCrc32);
    expect(PrefixOffset.headerCrc32 + 4).toBe(PREFIX_BYTES);
    expect(BLOCK_CRC_BYTES).toBe(BlockOffset.crc32);
    expect(BlockOffset.crc32 + 4).toBe(BLOCK_HEADER_BYTES);
    expect(TRAILER_CRC_BYTES).toBe(TrailerOffset.crc32);
    expect(TrailerOffset.crc32 + 4).toBe(TRAILER_BYTES);
  });

  it("keeps records 8-byte aligned in the file", () => {
    expect(BLOCK_HEADER_BYTES % DATA_ALIGN).toBe(0);
    expect(EVENT_RECORD_BYTES % DATA_ALIGN).toBe(0);
    for (let h = 1; h < 40; h++) {
      const ds = dataStart(h);
      expect(ds % DATA_ALIGN).toBe(0);
      expect(ds - (PREFIX_BYTES + h)).toBeGreaterThanOrEqual(0);
      expect(ds - (PREFIX_BYTES + h)).toBeLessThan(DATA_ALIGN);
    }
  });

  it("magic has the high bit, CR LF and ^Z; tags spell RFBK and RFEN", () => {
    expect(MAGIC[0] & 0x80).toBe(0x80);
    expect(MAGIC.slice(4)).toEqual([0x0d, 0x0a, 0x1a, 0x0a]);
    const spell = (v: number) => Buffer.from(new Uint32Array([v]).buffer).toString("latin1");
    expect(spell(BLOCK_TAG)).toBe("RFBK");
    expect(spell(TRAILER_TAG)).toBe("RFEN");
  });

  it("recordingByteLength is the size the writer produces", () => {
    const rand = prng(11);
    for (const count of [0, 1, 2, RECORDS_PER_BLOCK_MAX - 1, RECORDS_PER_BLOCK_MAX, RECORDS_PER_BLOCK_MAX + 1, 2 * RECORDS_PER_BLOCK_MAX + 7]) {
      const h = header(2);
      const bytes = encodeRecording(h, randomEvents(rand, count, 2), count);
      const headerBytes = new DataView(bytes.buffer, bytes.byteOffset).getUint32(PrefixOffset.headerBytes, true);
      expect(bytes.length, `count ${count}`).toBe(recordingByteLength(headerBytes, count));
    }
  });
});
