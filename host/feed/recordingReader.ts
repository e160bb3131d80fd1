import { createHash, type Hash } from "node:crypto";
import { crc32 } from "node:zlib";
import { EVENT_RECORD_BYTES, EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import { joinI64 } from "../abi/int64.ts";
import { EventStreamChecker } from "./eventChecks.ts";
import { RecordingError } from "./recordingError.ts";
import {
  assertLittleEndian,
  BLOCK_CRC_BYTES,
  BLOCK_HEADER_BYTES,
  BLOCK_TAG,
  BlockOffset,
  dataStart,
  MAGIC,
  MAGIC_BYTES,
  MAX_HEADER_BYTES,
  PREFIX_BYTES,
  PREFIX_CRC_BYTES,
  PrefixOffset,
  RECORDING_VERSION,
  RECORDS_PER_BLOCK_MAX,
  SHA256_BYTES,
  TRAILER_BYTES,
  TRAILER_CRC_BYTES,
  TRAILER_TAG,
  TrailerOffset,
} from "./recordingFormat.ts";
import { decodeHeader, type RecordingHeaderFields } from "./recordingHeader.ts";
import { FileSource, MemorySource, type ByteSource } from "./sources.ts";

/**
 * Reads and checks a recording front to back, one block at a time, so a
 * file of any size is read in constant memory (inspect) or straight into
 * one Int32Array (decodeRecording). Every problem is a RecordingError of one
 * line that names the file and the byte where it broke; checks run in file
 * order, so the message names the first thing wrong.
 *
 * Blocks and events are numbered from 0. Byte offsets are from the start of
 * the file.
 */
export class RecordingReader {
  readonly header: RecordingHeaderFields;
  /** File offset of block 0. */
  readonly dataStart: number;
  private readonly checker: EventStreamChecker;
  private readonly eventsHash: Hash = createHash("sha256");
  private pos: number;
  private blockIndex = 0;
  private eventCount = 0;
  private finished = false;
  private digest = "";

  private constructor(
    private readonly src: ByteSource,
    readonly name: string,
  ) {
    assertLittleEndian();
    const size = src.size;
    if (size === 0) this.fail("empty file (0 bytes), expected a ringfence recording");
    // Magic first: a JSON file or a wasm module is called what it is not, before anything else.
    const head = src.read(0, Math.min(size, PREFIX_BYTES)).slice();
    for (let i = 0; i < Math.min(head.length, MAGIC_BYTES); i++) {
      if (head[i] !== MAGIC[i]) {
        this.fail(`not a ringfence recording (first bytes ${hex(head.subarray(0, MAGIC_BYTES))}, expected ${hex(Uint8Array.from(MAGIC))})`);
      }
    }
    const view = new DataView(head.buffer, head.byteOffset, head.length);
    if (size >= PrefixOffset.version + 4) {
      const version = view.getUint32(PrefixOffset.version, true);
      if (version !== RECORDING_VERSION) this.fail(`unsupported recording version ${version}, this ringfence reads ${RECORDING_VERSION}`);
    }
    if (size < PREFIX_BYTES) this.fail(`truncated in the file prefix at byte ${size} (expected ${PREFIX_BYTES - size} more bytes)`);
    const headerBytes = view.getUint32(PrefixOffset.headerBytes, true);
    if (headerBytes < 1 || headerBytes > MAX_HEADER_BYTES) {
      this.fail(`header length ${headerBytes} at byte ${PrefixOffset.headerBytes} is outside 1..${MAX_HEADER_BYTES}`);
    }
    const reserved = view.getUint32(PrefixOffset.reserved, true);
    if (reserved !== 0) this.fail(`reserved prefix field at byte ${PrefixOffset.reserved} is ${reserved}, expected 0`);
    if (size < PREFIX_BYTES + headerBytes) {
      this.fail(`truncated in the header at byte ${size} (expected ${PREFIX_BYTES + headerBytes - size} more bytes)`);
    }
    const headerRaw = src.read(PREFIX_BYTES, headerBytes).slice();
    const storedCrc = view.getUint32(PrefixOffset.headerCrc32, true);
    const crc = crc32(headerRaw, crc32(head.subarray(0, PREFIX_CRC_BYTES)));
    if (crc !== storedCrc) {
      this.fail(`header checksum mismatch in bytes 0..${PREFIX_BYTES + headerBytes} (stored crc32 ${hex32(storedCrc)}, computed ${hex32(crc)})`);
    }
    const header = decodeHeader(headerRaw);
    if (typeof header === "string") this.fail(`${header} (header at byte ${PREFIX_BYTES})`);
    this.header = header;
    this.dataStart = dataStart(headerBytes);
    if (size < this.dataStart) this.fail(`truncated in the header padding at byte ${size} (expected ${this.dataStart - size} more bytes)`);
    const pad = src.read(PREFIX_BYTES + headerBytes, this.dataStart - PREFIX_BYTES - headerBytes);
    for (let i = 0; i < pad.length; i++) {
      if (pad[i] !== 0) this.fail(`header padding byte ${PREFIX_BYTES + headerBytes + i} is ${pad[i]}, expected 0`);
    }
    this.checker = new EventStreamChecker(header.instruments.length);
    this.pos = this.dataStart;
  }

  /** Reads a recording held in memory; `name` is used in messages (the file name). */
  static fromBytes(bytes: Uint8Array, name: string): RecordingReader {
    return new RecordingReader(new MemorySource(bytes), name);
  }

  /** Opens a file for streaming reads; close() it (also after an error). */
  static openFile(path: string): RecordingReader {
    const src = FileSource.open(path);
    try {
      return new RecordingReader(src, path);
    } catch (e) {
      src.close();
      throw e;
    }
  }

  get byteLength(): number {
    return this.src.size;
  }

  /** True once the trailer has been read and checked. */
  get done(): boolean {
    return this.finished;
  }

  /** Events read so far; after `done`, the recording's event count. */
  get events(): number {
    return this.eventCount;
  }

  /** Blocks read so far. */
  get blocks(): number {
    return this.blockIndex;
  }

  /**
   * The event count the trailer claims, read ahead from the end of the file
   * (-1 when the end is not a trailer whose checksum holds). Only a hint —
   * for sizing, such as a report's sampling interval: the count itself is
   * checked when readBlock reaches the trailer.
   */
  claimedEvents(): number {
    const size = this.src.size;
    if (size - this.dataStart < TRAILER_BYTES) return -1;
    const t = this.src.read(size - TRAILER_BYTES, TRAILER_BYTES).slice();
    const tw = new Int32Array(t.buffer);
    if (tw[TrailerOffset.tag >> 2] >>> 0 !== TRAILER_TAG || crc32(t.subarray(0, TRAILER_CRC_BYTES)) !== tw[TrailerOffset.crc32 >> 2] >>> 0) return -1;
    const events = joinI64(tw[TrailerOffset.events >> 2], tw[(TrailerOffset.events >> 2) + 1]);
    return Number.isSafeInteger(events) && events >= 0 && events <= this.maxEvents() ? events : -1;
  }

  /** The trailer's events sha256 (hex), once `done`. */
  get eventsSha256(): string {
    return this.digest;
  }

  /**
   * An upper bound on the events in the file, from its size: enough room for
   * decodeRecording to read every block into one array without growing it.
   */
  maxEvents(): number {
    return Math.max(0, Math.floor((this.src.size - this.dataStart) / EVENT_RECORD_BYTES));
  }

  /**
   * Reads the next block's records into `dest` starting at record index
   * `at` (room for RECORDS_PER_BLOCK_MAX records there is always enough) and
   * checks them; returns the number read, or 0 once the trailer has been
   * read and checked. Throws RecordingError at the first problem.
   */
  readBlock(dest: Int32Array, at: number): number {
    if (this.finished) return 0;
    const size = this.src.size;
    const pos = this.pos;
    const b = this.blockIndex;
    if (pos === size) {
      this.fail(
        b === 0
          ? `truncated after the header at byte ${pos} (no blocks and no trailer: the writer did not finish)`
          : `truncated after block ${b - 1} at byte ${pos} (no trailer: the writer did not finish)`,
      );
    }
    if (size - pos < 4) this.fail(`truncated in block ${b} at byte ${size} (expected ${4 - (size - pos)} more bytes of its tag)`);
    const tag = this.src.read(pos, 4);
    const tagValue = (tag[0] | (tag[1] << 8) | (tag[2] << 16) | (tag[3] << 24)) >>> 0;
    if (tagValue === TRAILER_TAG) {
      this.readTrailer();
      return 0;
    }
    if (tagValue !== BLOCK_TAG) {
      this.fail(`bad tag ${hex(tag)} at byte ${pos} where block ${b} or the trailer should start`);
    }
    if (size - pos < BLOCK_HEADER_BYTES) {
      this.fail(`truncated in block ${b} header at byte ${size} (expected ${BLOCK_HEADER_BYTES - (size - pos)} more bytes)`);
    }
    const bh = new Int32Array(this.src.read(pos, BLOCK_HEADER_BYTES).slice().buffer);
    const records = bh[BlockOffset.records >> 2] >>> 0;
    if (records < 1 || records > RECORDS_PER_BLOCK_MAX) {
      this.fail(`block ${b} at byte ${pos} claims ${records} records (1..${RECORDS_PER_BLOCK_MAX} allowed)`);
    }
    if (bh[BlockOffset.reserved >> 2] !== 0) this.fail(`block ${b} at byte ${pos}: reserved field is not 0`);
    const payloadAt = pos + BLOCK_HEADER_BYTES;
    const payloadBytes = records * EVENT_RECORD_BYTES;
    if (size - payloadAt < payloadBytes) {
      this.fail(`truncated in block ${b} at byte ${size} (expected ${payloadBytes - (size - payloadAt)} more bytes)`);
    }
    if (!Number.isInteger(at) || at < 0 || (at + records) * EVENT_RECORD_WORDS > dest.length) {
      throw new RangeError(`readBlock: dest has no room for ${records} records at record ${at}`);
    }
    const out = new Uint8Array(dest.buffer, dest.byteOffset + at * EVENT_RECORD_BYTES, payloadBytes);
    this.src.readInto(payloadAt, out);
    const storedCrc = bh[BlockOffset.crc32 >> 2] >>> 0;
    const crc = crc32(out, crc32(new Uint8Array(bh.buffer, 0, BLOCK_CRC_BYTES)));
    if (crc !== storedCrc) {
      this.fail(`block ${b} at byte ${pos} fails its checksum (stored crc32 ${hex32(storedCrc)}, computed ${hex32(crc)})`);
    }
    const firstW = at * EVENT_RECORD_WORDS;
    if (bh[BlockOffset.firstSeq >> 2] !== dest[firstW + EventWord.seqLo] || bh[(BlockOffset.firstSeq >> 2) + 1] !== dest[firstW + EventWord.seqHi]) {
      const said = joinI64(bh[BlockOffset.firstSeq >> 2], bh[(BlockOffset.firstSeq >> 2) + 1]);
      const was = joinI64(dest[firstW + EventWord.seqLo], dest[firstW + EventWord.seqHi]);
      this.fail(`block ${b} at byte ${pos} says its first seq is ${said} but its first event has seq ${was}`);
    }
    const checker = this.checker;
    for (let i = 0; i < records; i++) {
      const problem = checker.check(dest, at + i);
      if (problem !== null) {
        this.fail(`event ${this.eventCount + i} (block ${b}, byte ${payloadAt + i * EVENT_RECORD_BYTES}): ${problem}`);
      }
    }
    this.eventsHash.update(out);
    this.eventCount += records;
    this.blockIndex++;
    this.pos = payloadAt + payloadBytes;
    return records;
  }

  close(): void {
    this.src.close();
  }

  private readTrailer(): void {
    const size = this.src.size;
    const pos = this.pos;
    if (size - pos < TRAILER_BYTES) {
      this.fail(`truncated in the trailer at byte ${size} (expected ${TRAILER_BYTES - (size - pos)} more bytes)`);
    }
    const t = this.src.read(pos, TRAILER_BYTES).slice();
    const tw = new Int32Array(t.buffer);
    const storedCrc = tw[TrailerOffset.crc32 >> 2] >>> 0;
    const crc = crc32(t.subarray(0, TRAILER_CRC_BYTES));
    if (crc !== storedCrc) {
      this.fail(`trailer at byte ${pos} fails its checksum (stored crc32 ${hex32(storedCrc)}, computed ${hex32(crc)})`);
    }
    if (tw[TrailerOffset.reserved >> 2] !== 0) this.fail(`trailer at byte ${pos}: reserved field is not 0`);
    const blocks = tw[TrailerOffset.blocks >> 2] >>> 0;
    if (blocks !== this.blockIndex) this.fail(`trailer at byte ${pos} counts ${blocks} blocks, the file holds ${this.blockIndex}`);
    const events = joinI64(tw[TrailerOffset.events >> 2], tw[(TrailerOffset.events >> 2) + 1]);
    if (events !== this.eventCount) this.fail(`trailer at byte ${pos} counts ${events} events, the blocks hold ${this.eventCount}`);
    const computed = this.eventsHash.digest("hex");
    const stored = Buffer.from(t.buffer, TrailerOffset.eventsSha256, SHA256_BYTES).toString("hex");
    if (computed !== stored) {
      this.fail(`trailer at byte ${pos}: events sha256 mismatch (stored ${stored.slice(0, 16)}…, computed ${computed.slice(0, 16)}…)`);
    }
    const end = pos + TRAILER_BYTES;
    if (end !== size) this.fail(`${size - end} unexpected bytes after the trailer at byte ${end}`);
    this.digest = computed;
    this.finished = true;
    this.pos = end;
  }

  private fail(what: string): never {
    throw new RecordingError(`${this.name}: ${what}`);
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

function hex32(v: number): string {
  return (v >>> 0).toString(16).padStart(8, "0");
}
