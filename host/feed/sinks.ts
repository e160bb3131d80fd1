import { closeSync, existsSync, fsyncSync, lstatSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { RecordingError } from "./recordingError.ts";

/**
 * Where a RecordingWriter's bytes go. `write` consumes the whole chunk before
 * it returns (the writer reuses the chunk's memory); `end` makes the bytes
 * final, `abort` throws away what was written.
 */
export interface ByteSink {
  write(chunk: Uint8Array): void;
  end(): void;
  abort(): void;
}

/** Collects bytes in memory. Starts at `initialBytes` and doubles when full (allocates). */
export class MemorySink implements ByteSink {
  private buf: Uint8Array;
  private used = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = new Uint8Array(Math.max(64, initialBytes));
  }

  write(chunk: Uint8Array): void {
    if (this.used + chunk.length > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < this.used + chunk.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.used));
      this.buf = next;
    }
    this.buf.set(chunk, this.used);
    this.used += chunk.length;
  }

  end(): void {}
  abort(): void {
    this.used = 0;
  }

  /** The bytes written; the exact buffer when the initial size was exact, else a view. */
  bytes(): Uint8Array {
    return this.used === this.buf.length ? this.buf : this.buf.subarray(0, this.used);
  }
}

/**
 * Writes to `<path>.tmp-<pid>` and renames onto `path` in end(), after an
 * fsync: a crash or an error never leaves a half-written file under the
 * name a reader will open. abort() deletes the temporary file.
 */
export class TempFileSink implements ByteSink {
  private fd: number;
  private readonly tmpPath: string;
  private bytesWritten = 0;

  constructor(readonly path: string) {
    const notFile = outputProblem(path);
    if (notFile !== null) throw new RecordingError(`${path}: cannot write: ${notFile}`);
    this.tmpPath = `${path}.tmp-${process.pid}`;
    try {
      this.fd = openSync(this.tmpPath, "w");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && !existsSync(dirname(path))) throw new RecordingError(`${path}: cannot write: directory '${dirname(path)}' does not exist`);
      throw new RecordingError(`${path}: cannot write (${code ?? "error"})`);
    }
  }

  write(chunk: Uint8Array): void {
    try {
      let off = 0;
      while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
      this.bytesWritten += chunk.length;
    } catch (e) {
      this.abort();
      throw new RecordingError(`${this.path}: cannot write at byte ${this.bytesWritten} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }

  end(): void {
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
      renameSync(this.tmpPath, this.path);
    } catch (e) {
      this.abort();
      throw new RecordingError(`${this.path}: cannot finish writing (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }

  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        // Already failing; the unlink below is what matters.
      }
      this.fd = -1;
    }
    try {
      unlinkSync(this.tmpPath);
    } catch {
      // Nothing to remove.
    }
  }
}

/**
 * Why `path` cannot take an output file, or null: it does not exist yet, or
 * it is a regular file (replaced whole). Anything else is refused, never
 * replaced or written into: outputs are renamed over their path, which
 * would turn a device (`/dev/null`), a FIFO or a symlink into a plain
 * file, and a write straight into a FIFO blocks until someone reads it.
 */
export function outputProblem(path: string): string | null {
  let st;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return null; // unreachable parents: opening the temporary file names the problem
  }
  if (st === undefined || st.isFile()) return null;
  if (st.isDirectory()) return "it is a directory";
  if (st.isSymbolicLink()) return "it is a symbolic link (outputs replace their path whole: give the file it points to)";
  if (st.isFIFO()) return "it is a FIFO (outputs are regular files)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "it is a device (outputs are regular files)";
  return "it is not a regular file";
}

/** Writes `bytes` to `path` through a TempFileSink: all of it under the name, or nothing. */
export function writeFileWhole(path: string, bytes: Uint8Array): void {
  const sink = new TempFileSink(path);
  sink.write(bytes);
  sink.end();
}

/** Whether writing `b` would replace the file at `a` (same path, or the same file through a link). */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const sa = statSync(a, { throwIfNoEntry: false });
    const sb = statSync(b, { throwIfNoEntry: false });
    if (sa === undefined || sb === undefined) return false;
    return sa.dev === sb.dev && sa.ino === sb.ino; // through symlinks (stat follows them) and hard links
  } catch {
    return false;
  }
}
