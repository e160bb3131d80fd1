import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
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
    try {
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
        throw new RecordingError(`${path}: cannot write: it is a directory`);
      }
    } catch (e) {
      if (e instanceof RecordingError) throw e;
    }
    this.tmpPath = `${path}.tmp-${process.pid}`;
    try {
      this.fd = openSync(this.tmpPath, "w");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new RecordingError(`${path}: cannot write: directory '${dirname(path)}' does not exist`);
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
