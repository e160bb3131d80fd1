import { createHash, type Hash } from "node:crypto";
import { crc32 } from "node:zlib";
import { EVENT_RECORD_BYTES, EVENT_RECORD_WORDS, EventWord, copyRecord } from "../abi/eventRecord.ts";
import { joinI64, writeI64 } from "../abi/int64.ts";
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
  PREFIX_BYTES,
  PREFIX_CRC_BYTES,
  PrefixOffset,
  RECORDING_VERSION,
  RECORDS_PER_BLOCK_MAX,
  TRAILER_BYTES,
  TRAILER_CRC_BYTES,
  TRAILER_TAG,
  TrailerOffset,
} from "./recordingFormat.ts";
import { encodeHeader, type RecordingHeaderFields } from "./recordingHeader.ts";
import { TempFileSink, type ByteSink } from "./sinks.ts";

/** What a finished recording holds; digests are lowercase hex. */
export interface RecordingSummary {
  events: number;
  blocks: number;
  bytes: number;
  /** sha256 of every record byte (the trailer's digest): names the events, not the file. */
  eventsSha256: string;
  /** sha256 of the whole file as written. */
  fileSha256: string;
}

export interface RecordingWriterOptions {
  /** Used in error messages; the path for file writers. */
  name?: string;
  /** Records per full block, 1..RECORDS_PER_BLOCK_MAX (default the max). */
  recordsPerBlock?: number;
}

const BLOCK_RECORDS_WORD = BLOCK_HEADER_BYTES >> 2;

/**
 * Streams a recording to a ByteSink: the prefix and header at construction,
 * one block each time `recordsPerBlock` records are pending (or on flush()),
 * the trailer at finish(). Memory is one block whatever the length, so the
 * live flight recorder can run for hours.
 *
 * append() checks every record with the reader's rules (EventStreamChecker)
 * and throws a RecordingError naming the first bad one: a writer that wrote
 * a file its own reader refuses would silently lose the recording. Valid
 * records are copied without allocating; a block write allocates a few views.
 */
export class RecordingWriter {
  readonly name: string;
  private readonly recordsPerBlock: number;
  private readonly block: Uint8Array;
  private readonly blockWords: Int32Array;
  private readonly checker: EventStreamChecker;
  private readonly eventsHash: Hash = createHash("sha256");
  private readonly fileHash: Hash = createHash("sha256");
  private pending = 0;
  private events = 0;
  private blocks = 0;
  private bytes = 0;
  private state: "open" | "finished" | "aborted" = "open";

  constructor(
    private readonly sink: ByteSink,
    header: RecordingHeaderFields,
    options: RecordingWriterOptions = {},
  ) {
    assertLittleEndian();
    this.name = options.name ?? "recording";
    const perBlock = options.recordsPerBlock ?? RECORDS_PER_BLOCK_MAX;
    if (!Number.isInteger(perBlock) || perBlock < 1 || perBlock > RECORDS_PER_BLOCK_MAX) {
      throw new RangeError(`recordsPerBlock=${perBlock} must be an integer 1..${RECORDS_PER_BLOCK_MAX}`);
    }
    this.recordsPerBlock = perBlock;
    const headerBytes = encodeHeader(header);
    if (typeof headerBytes === "string") {
      sink.abort();
      throw new RecordingError(`${this.name}: cannot write recording: ${headerBytes}`);
    }
    this.checker = new EventStreamChecker(header.instruments.length);
    this.block = new Uint8Array(BLOCK_HEADER_BYTES + perBlock * EVENT_RECORD_BYTES);
    this.blockWords = new Int32Array(this.block.buffer);

    const start = new Uint8Array(dataStart(headerBytes.length));
    start.set(MAGIC, PrefixOffset.magic);
    const view = new DataView(start.buffer);
    view.setUint32(PrefixOffset.version, RECORDING_VERSION, true);
    view.setUint32(PrefixOffset.headerBytes, headerBytes.length, true);
    start.set(headerBytes, PREFIX_BYTES);
    view.setUint32(PrefixOffset.headerCrc32, crc32(headerBytes, crc32(start.subarray(0, PREFIX_CRC_BYTES))), true);
    this.emit(start);
  }

  /** Records appended so far. */
  get count(): number {
    return this.events;
  }

  /**
   * Appends records `at .. at+n-1` of `words` (record indices, 16 words per
   * record, eventRecord.ts layout). Throws on a record that breaks the rules;
   * the records before it are kept.
   */
  append(words: Int32Array, at: number, n: number): void {
    if (this.state !== "open") throw new Error(`RecordingWriter for ${this.name} is ${this.state}`);
    if (!Number.isInteger(at) || !Number.isInteger(n) || at < 0 || n < 0 || (at + n) * EVENT_RECORD_WORDS > words.length) {
      throw new RangeError(`append(at=${at}, n=${n}) is outside words of ${words.length / EVENT_RECORD_WORDS} records`);
    }
    const out = this.blockWords;
    for (let i = 0; i < n; i++) {
      const problem = this.checker.check(words, at + i);
      if (problem !== null) {
        throw new RecordingError(`${this.name}: cannot write event ${this.events} (seq ${seqOf(words, at + i)}): ${problem}`);
      }
      const src = (at + i) * EVENT_RECORD_WORDS;
      const dst = BLOCK_RECORDS_WORD + this.pending * EVENT_RECORD_WORDS;
      copyRecord(out, dst, words, src);
      this.pending++;
      this.events++;
      if (this.pending === this.recordsPerBlock) this.writeBlock();
    }
  }

  /** Writes the pending records as a (possibly short) block, so they survive a crash of this process. */
  flush(): void {
    if (this.state === "open") this.writeBlock();
  }

  /** Writes the last block and the trailer and hands the file over (rename for file sinks). */
  finish(): RecordingSummary {
    if (this.state !== "open") throw new Error(`RecordingWriter for ${this.name} is ${this.state}`);
    this.writeBlock();
    const trailer = new Uint8Array(TRAILER_BYTES);
    const tw = new Int32Array(trailer.buffer);
    const eventsSha256 = this.eventsHash.digest();
    tw[TrailerOffset.tag >> 2] = TRAILER_TAG;
    tw[TrailerOffset.blocks >> 2] = this.blocks;
    writeI64(tw, TrailerOffset.events >> 2, this.events);
    trailer.set(eventsSha256, TrailerOffset.eventsSha256);
    tw[TrailerOffset.crc32 >> 2] = crc32(trailer.subarray(0, TRAILER_CRC_BYTES));
    this.emit(trailer);
    this.state = "finished";
    this.sink.end();
    return {
      events: this.events,
      blocks: this.blocks,
      bytes: this.bytes,
      eventsSha256: eventsSha256.toString("hex"),
      fileSha256: this.fileHash.digest("hex"),
    };
  }

  /** Throws away everything written (deletes the temporary file for file sinks). */
  abort(): void {
    if (this.state !== "open") return;
    this.state = "aborted";
    this.sink.abort();
  }

  private writeBlock(): void {
    const n = this.pending;
    if (n === 0) return;
    const w = this.blockWords;
    const first = BLOCK_RECORDS_WORD;
    w[BlockOffset.tag >> 2] = BLOCK_TAG;
    w[BlockOffset.records >> 2] = n;
    w[BlockOffset.firstSeq >> 2] = w[first + EventWord.seqLo];
    w[(BlockOffset.firstSeq >> 2) + 1] = w[first + EventWord.seqHi];
    w[BlockOffset.reserved >> 2] = 0;
    const records = this.block.subarray(BLOCK_HEADER_BYTES, BLOCK_HEADER_BYTES + n * EVENT_RECORD_BYTES);
    w[BlockOffset.crc32 >> 2] = crc32(records, crc32(this.block.subarray(0, BLOCK_CRC_BYTES)));
    this.eventsHash.update(records);
    this.pending = 0;
    this.blocks++;
    this.emit(this.block.subarray(0, BLOCK_HEADER_BYTES + n * EVENT_RECORD_BYTES));
  }

  private emit(chunk: Uint8Array): void {
    try {
      this.sink.write(chunk);
    } catch (e) {
      this.state = "aborted";
      throw e;
    }
    this.fileHash.update(chunk);
    this.bytes += chunk.length;
  }

  /** A writer whose file appears at `path` only when finish() succeeds. */
  static toFile(path: string, header: RecordingHeaderFields, options: Omit<RecordingWriterOptions, "name"> = {}): RecordingWriter {
    return new RecordingWriter(new TempFileSink(path), header, { ...options, name: path });
  }
}

function seqOf(words: Int32Array, record: number): string {
  const w = record * EVENT_RECORD_WORDS;
  const seq = joinI64(words[w + EventWord.seqLo], words[w + EventWord.seqHi]);
  return Number.isNaN(seq) ? "out of range" : String(seq);
}
