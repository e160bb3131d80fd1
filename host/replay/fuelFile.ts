/**
 * A capture's fuel file (`strategies/<i>.fuel`: the fuel its instance used
 * on each market event it handled, Int32 LE, in order), read in order
 * through one fixed buffer: four bytes an event add up over a trading day.
 */
import { closeSync, fstatSync, readSync } from "node:fs";
import { openInput } from "../feed/sources.ts";

const FUEL_BUFFER_BYTES = 64 * 1024;

export class FuelFileReader {
  /** Values in the file (its size / 4, when its size is a multiple of 4). */
  readonly count: number;
  private readonly buf = Buffer.allocUnsafe(FUEL_BUFFER_BYTES);
  /** File position of buf[0], bytes of the file in buf, and the next value's offset in buf. */
  private bufAt = 0;
  private bufBytes = 0;
  private next_ = 0;
  private closed = false;

  private constructor(private readonly fd: number, readonly sizeBytes: number) {
    this.count = Math.floor(sizeBytes / 4);
  }

  /** Opens `path` (Node's error if it cannot be; an Error if it is not a regular file). */
  static open(path: string): FuelFileReader {
    const fd = openInput(path);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new Error(`${path} is not a regular file`);
      return new FuelFileReader(fd, st.size);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** The next value, or undefined after the last (or where the file, changed since it was opened, ends). */
  next(): number | undefined {
    if (this.next_ + 4 > this.bufBytes) {
      const from = this.bufAt + this.next_;
      if (from + 4 > this.count * 4) return undefined;
      this.bufAt = from;
      this.bufBytes = readSync(this.fd, this.buf, 0, Math.min(this.buf.length, this.count * 4 - from), from);
      this.next_ = 0;
      if (this.bufBytes < 4) return undefined;
    }
    const v = this.buf.readInt32LE(this.next_);
    this.next_ += 4;
    return v;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}
