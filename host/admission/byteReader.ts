/**
 * A bounds-checked cursor over untrusted wasm bytes. Reads never throw: a read
 * past `end` sets `failure` and returns 0, and every later read also returns 0,
 * so a parser can run a whole loop and check `failed` once afterwards. Every
 * successful read advances `pos`, so loops driven by a count read from the
 * input always end (at worst when the bytes run out).
 *
 * Running past the end of the whole buffer is Truncated; running past the end
 * of a section (or function body) whose declared size fit in the buffer is
 * Malformed — the distinction admission reports as `truncated` vs `invalid`.
 */
export const ReadFailure = { None: 0, Truncated: 1, Malformed: 2 } as const;
export type ReadFailure = (typeof ReadFailure)[keyof typeof ReadFailure];

// Not fatal: V8 has already rejected invalid UTF-8 in names of modules we parse for real.
const utf8 = new TextDecoder("utf-8", { fatal: false });

export class ByteReader {
  pos: number;
  end: number;
  failure: ReadFailure = ReadFailure.None;
  /** Byte offset where the first failure happened. */
  failureAt = -1;

  /**
   * @param overrunFailure what running past `end` means: Truncated for the
   *   top-level reader over the whole buffer, Malformed for a reader bounded to
   *   a section whose declared size already fit in the buffer.
   */
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
    private readonly overrunFailure: ReadFailure = ReadFailure.Truncated,
  ) {
    this.pos = start;
    this.end = end;
  }

  get failed(): boolean {
    return this.failure !== ReadFailure.None;
  }

  /** Marks the reader failed (first failure wins) and parks it at the end. */
  fail(kind: ReadFailure): void {
    if (this.failure === ReadFailure.None) {
      this.failure = kind;
      this.failureAt = this.pos;
    }
    this.pos = this.end;
  }

  private overrun(): void {
    this.fail(this.overrunFailure);
  }

  u8(): number {
    if (this.failure !== ReadFailure.None) return 0;
    if (this.pos >= this.end) {
      this.overrun();
      return 0;
    }
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128 of at most 5 bytes (u32). */
  u32(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      if (this.failure !== ReadFailure.None) return 0;
      result += (b & 0x7f) * scale; // multiply, not shift: bit 31 must not turn the value negative
      if ((b & 0x80) === 0) return result > 0xffffffff ? this.malformed() : result;
      scale *= 128;
    }
    return this.malformed();
  }

  /**
   * Unsigned LEB128 of at most 10 bytes (u64, e.g. memory64 limits or memarg
   * offsets), as a Number: exact below 2^53, approximate above — only ever
   * compared with limits far below that.
   */
  u64(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      if (this.failure !== ReadFailure.None) return 0;
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    return this.malformed();
  }

  /** Signed LEB128 of at most `maxBytes` bytes (5 for s32/s33, 10 for s64). */
  signed(maxBytes: number): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8();
      if (this.failure !== ReadFailure.None) return 0;
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return (b & 0x40) !== 0 ? result - scale : result;
    }
    return this.malformed();
  }

  skip(n: number): void {
    if (this.failure !== ReadFailure.None) return;
    if (n > this.end - this.pos) {
      this.overrun();
      return;
    }
    this.pos += n;
  }

  /** A length-prefixed UTF-8 name (allocates the string). */
  name(): string {
    const len = this.u32();
    const start = this.pos;
    this.skip(len);
    if (this.failure !== ReadFailure.None) return "";
    return utf8.decode(this.bytes.subarray(start, start + len));
  }

  private malformed(): number {
    this.fail(ReadFailure.Malformed);
    return 0;
  }
}
