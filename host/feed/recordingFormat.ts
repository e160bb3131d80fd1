/**
 * Recording file format v1: the one descriptor of the bytes of a `.rfr`
 * recording. No other file hard-codes an offset or a length of this format.
 * All integers little-endian; i64 fields are two u32 halves (see
 * host/abi/int64.ts). Event records are the 64-byte layout of
 * host/abi/eventRecord.ts, stored verbatim so a reader copies whole blocks
 * into one Int32Array and never builds a per-event object.
 *
 *   File
 *   +---------------------------------------------------------------+
 *   | prefix (24 bytes)                                             |  0
 *   | header (headerBytes of msgpack) | zero padding to 8 bytes     |  24
 *   | block 0 | block 1 | ... | block B-1                           |  dataStart
 *   | trailer (56 bytes)                                            |  size - 56
 *   +---------------------------------------------------------------+
 *
 *   Prefix
 *   0                               8               12              16              20              24
 *   +-------------------------------+---------------+---------------+---------------+---------------+
 *   | magic 89 52 46 52 0D 0A 1A 0A | version   u32 | headerBytes   | reserved  u32 | headerCrc32   |
 *   |                               |               |           u32 |               |           u32 |
 *   +-------------------------------+---------------+---------------+---------------+---------------+
 *   headerCrc32 = crc32(prefix bytes 0..20, then the header bytes).
 *
 *   Block (24-byte block header, then `records` event records)
 *   0               4               8                              16              20              24
 *   +---------------+---------------+-------------------------------+---------------+---------------+
 *   | tag "RFBK"    | records   u32 | firstSeq                  i64 | reserved  u32 | crc32     u32 |
 *   +---------------+---------------+-------------------------------+---------------+---------------+
 *   | records x 64-byte event records (host/abi/eventRecord.ts)                                     |
 *   +-----------------------------------------------------------------------------------------------+
 *   crc32 = crc32(block bytes 0..20, then the record bytes).
 *
 *   Trailer
 *   0               4               8                              16                              48              52              56
 *   +---------------+---------------+-------------------------------+-------------------------------+---------------+---------------+
 *   | tag "RFEN"    | blocks    u32 | events                    i64 | eventsSha256 (32 bytes)       | reserved  u32 | crc32     u32 |
 *   +---------------+---------------+-------------------------------+-------------------------------+---------------+---------------+
 *   eventsSha256 = sha256 of every record byte in file order, block headers
 *   excluded, so the digest names the events and not how they were blocked.
 *   crc32 = crc32(trailer bytes 0..52).
 *
 * Each checksum is the last field of its structure and covers every byte
 * before it, so no byte of the file escapes a check.
 *
 * Why this shape: the magic and version come first so a wrong file or a
 * future version is refused from the first 12 bytes; the event count lives in
 * the trailer, not the header, so a streaming writer (flight recorder) never
 * seeks back; every block carries its own checksum so a reader names the
 * block that broke; blocks hold 1..RECORDS_PER_BLOCK_MAX records, so a writer
 * may flush a short block whenever it wants durability.
 */
import { EVENT_RECORD_BYTES } from "../abi/eventRecord.ts";

/** "\x89RFR\r\n\x1a\n": the high bit, CRLF and ^Z catch text-mode mangling (as in PNG). */
export const MAGIC = Object.freeze([0x89, 0x52, 0x46, 0x52, 0x0d, 0x0a, 0x1a, 0x0a]);
export const MAGIC_BYTES = 8;
export const FORMAT_NAME = "ringfence-recording";
/** Version of this layout. Readers refuse any other value (see docs/recording.md, versioning). */
export const RECORDING_VERSION = 1;

export const PREFIX_BYTES = 24;
export const PrefixOffset = {
  magic: 0,
  version: 8,
  headerBytes: 12,
  reserved: 16,
  headerCrc32: 20,
} as const;
/** Bytes of the prefix covered by headerCrc32 (everything before it). */
export const PREFIX_CRC_BYTES = PrefixOffset.headerCrc32;
/** Upper bound on the msgpack header; checked before the header is read. */
export const MAX_HEADER_BYTES = 1 << 20;
/** Blocks start on this alignment (the header is zero-padded up to it). */
export const DATA_ALIGN = 8;

export const BLOCK_TAG = 0x4b424652; // "RFBK" little-endian
export const BLOCK_HEADER_BYTES = 24;
export const BlockOffset = {
  tag: 0,
  records: 4,
  firstSeq: 8,
  reserved: 16,
  crc32: 20,
} as const;
/** Bytes of the block header covered by the block crc32 (everything before it). */
export const BLOCK_CRC_BYTES = BlockOffset.crc32;
/** 4096 x 64 = 256 KiB of records per full block. */
export const RECORDS_PER_BLOCK_MAX = 4096;

export const TRAILER_TAG = 0x4e454652; // "RFEN" little-endian
export const TRAILER_BYTES = 56;
export const TrailerOffset = {
  tag: 0,
  blocks: 4,
  events: 8,
  eventsSha256: 16,
  reserved: 48,
  crc32: 52,
} as const;
export const SHA256_BYTES = 32;
/** Bytes of the trailer covered by the trailer crc32. */
export const TRAILER_CRC_BYTES = TrailerOffset.crc32;

/** Offset of the first block for a header of `headerBytes`. */
export function dataStart(headerBytes: number): number {
  const end = PREFIX_BYTES + headerBytes;
  return end + ((DATA_ALIGN - (end % DATA_ALIGN)) % DATA_ALIGN);
}

/** Number of blocks a writer with `recordsPerBlock` produces for `events` records. */
export function blockCount(events: number, recordsPerBlock = RECORDS_PER_BLOCK_MAX): number {
  return Math.ceil(events / recordsPerBlock);
}

/** Exact file size for `events` records written in full blocks of `recordsPerBlock`. */
export function recordingByteLength(headerBytes: number, events: number, recordsPerBlock = RECORDS_PER_BLOCK_MAX): number {
  return dataStart(headerBytes) + blockCount(events, recordsPerBlock) * BLOCK_HEADER_BYTES + events * EVENT_RECORD_BYTES + TRAILER_BYTES;
}

/** The magic as a Uint8Array (allocates). */
export function magicBytes(): Uint8Array {
  return Uint8Array.from(MAGIC);
}

/**
 * Block and trailer fields are read and written through Int32Array views,
 * which use the host's byte order; the format is little-endian, so a
 * big-endian host must refuse rather than write a file no one can read.
 */
export function assertLittleEndian(): void {
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
    throw new Error("ringfence recordings need a little-endian host");
  }
}
