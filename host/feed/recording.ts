/**
 * Recordings as whole values: encode/decode in memory, read/write files.
 * The byte layout is described once in recordingFormat.ts; streaming work
 * (the flight recorder, inspect on a file of any size) uses RecordingWriter
 * and RecordingReader directly.
 */
import { EVENT_RECORD_WORDS } from "../abi/eventRecord.ts";
import { RecordingError } from "./recordingError.ts";
import { RecordingReader } from "./recordingReader.ts";
import { RECORDS_PER_BLOCK_MAX, recordingByteLength } from "./recordingFormat.ts";
import { encodeHeader, type RecordingHeader, type RecordingHeaderFields } from "./recordingHeader.ts";
import { RecordingWriter, type RecordingSummary } from "./recordingWriter.ts";
import { MemorySink } from "./sinks.ts";

export type { InstrumentSpec } from "./instrument.ts";
export { RecordingError };
export type { RecordingHeader, RecordingHeaderFields } from "./recordingHeader.ts";
export { RecordingReader } from "./recordingReader.ts";
export { RecordingWriter, type RecordingSummary, type RecordingWriterOptions } from "./recordingWriter.ts";

/** A whole recording in memory. */
export interface Recording {
  header: RecordingHeader;
  /**
   * count * 16 words, host/abi/eventRecord.ts layout. Exactly that long, but
   * it may be a view of a slightly larger buffer (decode sizes its one
   * allocation from the file size), so use `events`, not `events.buffer`.
   */
  events: Int32Array;
  count: number;
  /** sha256 (hex) of the record bytes, from the trailer; set by decode/read. */
  eventsSha256?: string;
}

/** The bytes of a recording (allocates the exact file size). Throws RecordingError on a bad header or event. */
export function encodeRecording(header: RecordingHeaderFields, events: Int32Array, count: number): Uint8Array {
  const headerBytes = encodeHeader(header);
  const sink = new MemorySink(typeof headerBytes === "string" ? 0 : recordingByteLength(headerBytes.length, count));
  const writer = new RecordingWriter(sink, header, { name: "recording" });
  writer.append(events, 0, count);
  writer.finish();
  return sink.bytes();
}

/**
 * Decodes and checks a whole recording. `name` (the file name) starts every
 * error message. One Int32Array is allocated; blocks are copied into it.
 */
export function decodeRecording(bytes: Uint8Array, name: string): Recording {
  return readAll(RecordingReader.fromBytes(bytes, name));
}

/** Reads and checks a recording file straight into one Int32Array (no whole-file buffer). */
export function readRecordingFile(path: string): Recording {
  const reader = RecordingReader.openFile(path);
  try {
    return readAll(reader);
  } finally {
    reader.close();
  }
}

/** Reads a recording file through, checking all of it in constant memory (one block at a time); returns its header. */
export function checkRecordingFile(path: string): RecordingHeader {
  const reader = RecordingReader.openFile(path);
  try {
    const block = new Int32Array(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS);
    while (reader.readBlock(block, 0) > 0);
    return { ...reader.header, events: reader.events };
  } finally {
    reader.close();
  }
}

/**
 * Writes the first `count` events of the recording file `from` to `to`
 * under `header`, a block at a time (what a session keeps of a streamed
 * feed); the same bytes writeRecordingFile gives for them held whole.
 */
export function copyRecordingPrefix(from: string, to: string, count: number, header: RecordingHeaderFields): RecordingSummary {
  const reader = RecordingReader.openFile(from);
  const writer = RecordingWriter.toFile(to, header);
  try {
    const block = new Int32Array(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS);
    for (let left = count; left > 0;) {
      const n = reader.readBlock(block, 0);
      if (n === 0) throw new RecordingError(`${from}: holds fewer than the ${count} events to copy`);
      writer.append(block, 0, Math.min(n, left));
      left -= Math.min(n, left);
    }
    return writer.finish();
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    reader.close();
  }
}

/** Writes `rec` to `path` through a temporary file and a rename: no half-written file ever has the name. */
export function writeRecordingFile(
  path: string,
  rec: { header: RecordingHeaderFields; events: Int32Array; count: number },
): RecordingSummary {
  const writer = RecordingWriter.toFile(path, rec.header);
  try {
    writer.append(rec.events, 0, rec.count);
    return writer.finish();
  } catch (e) {
    writer.abort();
    throw e;
  }
}

function readAll(reader: RecordingReader): Recording {
  const capacity = reader.maxEvents();
  let events: Int32Array;
  try {
    events = new Int32Array(capacity * EVENT_RECORD_WORDS);
  } catch (e) {
    // Too large for one typed array or for this machine: say so in one line, not as an internal error.
    if (!(e instanceof RangeError)) throw e;
    throw new RecordingError(`${reader.name}: ${reader.byteLength} bytes of events do not fit in memory (${e.message}); use a shorter recording`);
  }
  let count = 0;
  for (;;) {
    const n = reader.readBlock(events, count);
    if (n === 0) break;
    count += n;
  }
  return {
    header: { ...reader.header, events: count },
    events: count === capacity ? events : events.subarray(0, count * EVENT_RECORD_WORDS),
    count,
    eventsSha256: reader.eventsSha256,
  };
}
