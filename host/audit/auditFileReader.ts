/**
 * Reads an audit file from disk in bounded memory, however large it is (a
 * recorded strategy that audited a few thousand calls an event leaves
 * gigabytes): one buffer, WINDOW_BYTES by default, moved along the file
 * with positioned reads. It grows only to hold one frame larger than
 * itself (at most an entry's MAX_ENTRY_BYTES and its framing), never with
 * the file. The walk and every check are auditFile.ts's (auditEntries), the
 * ones the whole-file verifier runs; a block is hashed in the pieces that
 * pass through the window.
 *
 * Replay reads a session's captures with it: entries come out one at a time,
 * decoded, before the hash that covers them is checked, so a reader reads
 * on to the end and lets a break override what it saw (auditEntries).
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, fstatSync, readSync } from "node:fs";
import { auditEntries, auditFileHeader, type AuditBreak, type AuditBytes, type AuditEntryRead, type AuditVerifyResult } from "./auditFile.ts";
import { openInput } from "../feed/sources.ts";

/** The window's size unless a reader asks for another: a few hundred reads for a gigabyte. */
export const WINDOW_BYTES = 1 << 20;
/** Smallest window a reader accepts (the file header and a chain header's fixed part fit). */
export const MIN_WINDOW_BYTES = 64;

/**
 * The file's bytes [start, end) in `bytes`. A fetch outside them moves the
 * window to begin at the fetch (everything before it is done with: the
 * walk reads in order) and fills the rest of the buffer from the file. The
 * open hash (a block being checked) takes the bytes it still needs before
 * they leave.
 */
class FileWindow implements AuditBytes {
  bytes: Buffer;
  view: DataView;
  private start = 0;
  private end = 0;
  private hash: Hash | null = null;
  private hashedTo = 0;

  constructor(private readonly fd: number, readonly size: number, windowBytes: number) {
    this.bytes = Buffer.allocUnsafe(windowBytes);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  get capacityBytes(): number {
    return this.bytes.length;
  }

  fetch(at: number, n: number): number {
    if (at >= this.start && at + n <= this.end) return at - this.start;
    // Not a property of the file: the walk broke its contract (AuditBytes).
    if (at < this.start || at > this.end) throw new Error(`audit file reader: fetch at ${at} outside the window ${this.start}..${this.end}`);
    if (this.hash !== null) {
      this.hash.update(this.bytes.subarray(this.hashedTo - this.start, at - this.start));
      this.hashedTo = at;
    }
    if (n > this.bytes.length) {
      // Allocates: a frame larger than the window (bounded by MAX_ENTRY_BYTES).
      const next = Buffer.allocUnsafe(n);
      this.bytes.copy(next, 0, at - this.start, this.end - this.start);
      this.bytes = next;
      this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
    } else {
      this.bytes.copyWithin(0, at - this.start, this.end - this.start);
    }
    this.start = at;
    while (this.end < at + n) {
      const room = Math.min(this.bytes.length - (this.end - at), this.size - this.end);
      const got = room > 0 ? readSync(this.fd, this.bytes, this.end - at, room, this.end) : 0;
      if (got === 0) throw new Error(`the file ended at byte ${this.end}, not at its ${this.size} bytes: it changed while it was read`);
      this.end += got;
    }
    return 0;
  }

  beginHash(prefix: Uint8Array, from: number): void {
    this.hash = createHash("sha256").update(prefix);
    this.hashedTo = from;
  }

  endHash(to: number): Buffer {
    const hash = this.hash!;
    hash.update(this.bytes.subarray(this.hashedTo - this.start, to - this.start));
    this.hash = null;
    return hash.digest();
  }
}

/**
 * An audit file open for reading. `header` is checked at open; entries()
 * walks the whole file (once per reader). Throws (Node's error) when the
 * file cannot be opened or is not a regular file; a FIFO is opened without
 * blocking and refused.
 */
export class AuditFileReader {
  /** The file header's format version and chain count, or where it is broken. */
  readonly header: { formatVersion: number; chainCount: number } | AuditBreak;
  private readonly window: FileWindow;
  private walked = false;
  private closed = false;

  private constructor(readonly path: string, private readonly fd: number, windowBytes: number) {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path} is not a regular file`);
    this.window = new FileWindow(fd, st.size, windowBytes);
    this.header = auditFileHeader(this.window);
  }

  /** Opens `path`; `windowBytes` (≥ MIN_WINDOW_BYTES) is the buffer it reads through. */
  static open(path: string, windowBytes: number = WINDOW_BYTES): AuditFileReader {
    if (!Number.isInteger(windowBytes) || windowBytes < MIN_WINDOW_BYTES) {
      throw new RangeError(`AuditFileReader: windowBytes must be an integer ≥ ${MIN_WINDOW_BYTES}, got ${windowBytes}`);
    }
    const fd = openInput(path);
    try {
      return new AuditFileReader(path, fd, windowBytes);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  get sizeBytes(): number {
    return this.window.size;
  }

  /** The largest the buffer has been: the reader's memory, whatever the file's size. */
  get highWaterBytes(): number {
    return this.window.capacityBytes;
  }

  /**
   * The walk over the file (auditEntries): each entry in order, then the
   * verification result. Throws if the file ends before the size it had
   * at open (it changed while being read).
   */
  entries(): Generator<AuditEntryRead, AuditVerifyResult, void> {
    if (this.walked) throw new Error(`audit file reader: ${this.path} was already read`);
    this.walked = true;
    return auditEntries(this.window);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
