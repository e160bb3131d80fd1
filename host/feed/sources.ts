import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { RecordingError } from "./recordingError.ts";

/**
 * Where a RecordingReader's bytes come from: a whole file in memory, or a
 * file read block by block (constant memory for any size). Callers check
 * `pos + len <= size` before reading, so a short read means the file changed
 * underneath us.
 */
export interface ByteSource {
  readonly size: number;
  /** `len` bytes at `pos`; the view is only valid until the next call. */
  read(pos: number, len: number): Uint8Array;
  /** Copies `into.length` bytes at `pos` into `into`. */
  readInto(pos: number, into: Uint8Array): void;
  close(): void;
}

export class MemorySource implements ByteSource {
  readonly size: number;
  private readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    // A plain Uint8Array view: a Node Buffer's slice() shares memory instead of copying,
    // and a pooled Buffer starts at an offset inside a larger ArrayBuffer.
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    this.size = bytes.length;
  }
  read(pos: number, len: number): Uint8Array {
    return this.bytes.subarray(pos, pos + len);
  }
  readInto(pos: number, into: Uint8Array): void {
    into.set(this.bytes.subarray(pos, pos + into.length));
  }
  close(): void {}
}

/**
 * Opens an input file without waiting on it: opened plainly, a FIFO blocks
 * until something writes to it, so the caller's check that it is a regular
 * file (fstat) would never run and `backtest --data FIFO` hung. O_NONBLOCK
 * changes nothing for a regular file's reads.
 */
export function openInput(path: string): number {
  return openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
}

/**
 * Reads a file with positioned reads. Opening fails with the same one-line
 * wording as host/cli/files.ts (missing, directory, not a file, empty).
 */
export class FileSource implements ByteSource {
  private scratch = new Uint8Array(64);

  private constructor(
    readonly path: string,
    private fd: number,
    readonly size: number,
  ) {}

  static open(path: string, what = "recording"): FileSource {
    let fd: number;
    try {
      fd = openInput(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new RecordingError(`${what} '${path}' does not exist`);
      if (code === "EISDIR") throw new RecordingError(`${what} '${path}' is a directory, expected a file`);
      throw new RecordingError(`${what} '${path}' cannot be read (${code ?? "error"})`);
    }
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw new RecordingError(`${what} '${path}' is a directory, expected a file`);
      if (!st.isFile()) throw new RecordingError(`${what} '${path}' is not a regular file`);
      if (st.size === 0) throw new RecordingError(`${what} '${path}' is empty (0 bytes), expected a ringfence recording`);
      return new FileSource(path, fd, st.size);
    } catch (e) {
      closeSync(fd);
      if (e instanceof RecordingError) throw e;
      throw new RecordingError(`${what} '${path}' cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }

  read(pos: number, len: number): Uint8Array {
    if (this.scratch.length < len) this.scratch = new Uint8Array(len);
    const view = this.scratch.subarray(0, len);
    this.readInto(pos, view);
    return view;
  }

  readInto(pos: number, into: Uint8Array): void {
    let done = 0;
    while (done < into.length) {
      let n: number;
      try {
        n = readSync(this.fd, into, done, into.length - done, pos + done);
      } catch (e) {
        throw new RecordingError(`${this.path}: cannot be read at byte ${pos + done} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
      }
      if (n === 0) throw new RecordingError(`${this.path}: file shrank while being read (nothing at byte ${pos + done})`);
      done += n;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
