/**
 * Reads a text file one line at a time through a fixed buffer, so a 1 GB
 * CSV costs CHUNK_BYTES + MAX_LINE_BYTES of memory whatever its size.
 * Synchronous (readSync): the importer makes two passes over the file and
 * nothing else runs beside it. Lines end at \n; a \r before it and a UTF-8
 * byte-order mark at the start are dropped. Allocates one string per line.
 */
import { closeSync, fstatSync, readSync } from "node:fs";
import { openInput } from "../sources.ts";
import { createHash, type Hash } from "node:crypto";
import { CsvError } from "./csvError.ts";

export const CHUNK_BYTES = 1 << 20;
/** A longer line is refused: no market-data row is that long, and it keeps a binary file from being read whole. */
export const MAX_LINE_BYTES = 1 << 20;

export class LineReader {
  /** 1-based number of the line next() returned last. */
  lineNumber = 0;
  /** Bytes of the file. */
  readonly byteLength: number;
  private fd: number;
  private readonly buf = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE_BYTES);
  private start = 0;
  private end = 0;
  private eof = false;
  private readonly hash: Hash | null;

  /** `what` names the file in open errors ("csv file"); `sha256` hashes every byte read. */
  constructor(readonly path: string, what: string, options: { sha256?: boolean } = {}) {
    try {
      this.fd = openInput(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new CsvError(`${what} '${path}' does not exist`);
      throw new CsvError(`${what} '${path}' cannot be read (${code ?? "error"})`);
    }
    const st = fstatSync(this.fd);
    if (!st.isFile()) {
      this.close();
      throw new CsvError(`${what} '${path}' is ${st.isDirectory() ? "a directory" : "not a regular file"}, expected a file`);
    }
    this.byteLength = st.size;
    this.hash = options.sha256 ? createHash("sha256") : null;
  }

  /** The next line without its line ending, or null at the end of the file. */
  next(): string | null {
    for (;;) {
      const nl = this.buf.indexOf(10, this.start);
      if (nl >= 0 && nl < this.end) return this.take(nl, nl + 1);
      if (this.end - this.start > MAX_LINE_BYTES) {
        throw new CsvError(`${this.path}:${this.lineNumber + 1}: line is longer than ${MAX_LINE_BYTES} bytes (is this a CSV file?)`);
      }
      if (this.eof) return this.start < this.end ? this.take(this.end, this.end) : null;
      this.fill();
    }
  }

  /** sha256 (hex) of the bytes read; call after next() returned null. */
  digest(): string {
    if (this.hash === null) throw new Error("LineReader was opened without sha256");
    return this.hash.digest("hex");
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private take(lineEnd: number, next: number): string {
    if (lineEnd - this.start > MAX_LINE_BYTES) {
      throw new CsvError(`${this.path}:${this.lineNumber + 1}: line is longer than ${MAX_LINE_BYTES} bytes (is this a CSV file?)`);
    }
    let e = lineEnd;
    if (e > this.start && this.buf[e - 1] === 13) e--;
    let s = this.start;
    if (this.lineNumber === 0 && e - s >= 3 && this.buf[s] === 0xef && this.buf[s + 1] === 0xbb && this.buf[s + 2] === 0xbf) s += 3;
    this.start = next;
    this.lineNumber++;
    const line = this.buf.toString("utf8", s, e);
    if (line.includes("\0")) throw new CsvError(`${this.path}:${this.lineNumber}: contains a NUL byte (not a text CSV file)`);
    // A bare CR inside a line: the file ends its lines with CR alone (classic Mac), so this "line" is several.
    if (line.includes("\r")) throw new CsvError(`${this.path}:${this.lineNumber}: has a carriage return inside the line: lines must end in LF or CRLF, not CR alone (convert the file, e.g. tr '\\r' '\\n')`);
    return line;
  }

  private fill(): void {
    if (this.start > 0) {
      this.buf.copy(this.buf, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    let n: number;
    try {
      n = readSync(this.fd, this.buf, this.end, Math.min(CHUNK_BYTES, this.buf.length - this.end), null);
    } catch (e) {
      throw new CsvError(`${this.path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (n === 0) this.eof = true;
    else this.hash?.update(this.buf.subarray(this.end, this.end + n));
    this.end += n;
  }
}
