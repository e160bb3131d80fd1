import { createHash, hash } from "node:crypto";
import type { AuditEntry } from "./auditEncoding.ts";
import { encodeEntry, encodedEntryBytes } from "./auditEncoding.ts";
import { AUDIT_GENESIS_PREFIX, FRAME_OVERHEAD_BYTES, HASH_BYTES, MAX_ENTRY_BYTES, MAX_LABEL_BYTES } from "./auditFormat.ts";

export type { AuditEntry } from "./auditEncoding.ts";

const INITIAL_CAPACITY_BYTES = 64 * 1024;

/** sha256(AUDIT_GENESIS_PREFIX || label bytes): the hash before the first entry. */
export function genesisHash(labelBytes: Uint8Array): Buffer {
  return createHash("sha256").update(AUDIT_GENESIS_PREFIX, "utf8").update(labelBytes).digest();
}

/**
 * One hash chain of audit entries (a strategy's host calls, or the whole
 * run's). Each append encodes the entry (auditEncoding.ts) straight into a
 * growing buffer already framed as in the file (auditFormat.ts), so writing
 * the file is a copy. hash_i = sha256(hash_{i-1} || entry_i).
 *
 * append is on the host-call path: it reuses its buffer and DataView and
 * allocates only the digest (node:crypto returns a fresh Buffer) and, when
 * the buffer is full, a doubled one.
 */
export class AuditLog {
  readonly label: string;
  private readonly labelBytes: Buffer;
  private buf: Buffer;
  private view: DataView;
  private used = 0;
  private entries = 0;
  private readonly genesis: Buffer;
  private head: Buffer;
  private hashInput = Buffer.alloc(512);

  /** Throws RangeError when the label is longer than MAX_LABEL_BYTES in UTF-8. */
  constructor(label: string) {
    const labelBytes = Buffer.from(label, "utf8");
    if (labelBytes.length > MAX_LABEL_BYTES) {
      throw new RangeError(`AuditLog: label must be at most ${MAX_LABEL_BYTES} bytes of UTF-8, got ${labelBytes.length}`);
    }
    this.label = label;
    this.labelBytes = labelBytes;
    this.buf = Buffer.alloc(INITIAL_CAPACITY_BYTES);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.genesis = genesisHash(labelBytes);
    this.head = this.genesis;
  }

  /**
   * Appends one entry; `strategy` is the strategy index for entries in a
   * run-wide chain (absent in a strategy's own chain). An entry longer than
   * MAX_ENTRY_BYTES (only a host bug could make one) is a RangeError.
   */
  append(e: AuditEntry, strategy?: number): void {
    const size = encodedEntryBytes(e);
    if (size > MAX_ENTRY_BYTES) throw new RangeError(`AuditLog: entry for '${e.call}' is ${size} bytes, over ${MAX_ENTRY_BYTES}`);
    const need = this.used + FRAME_OVERHEAD_BYTES + size;
    if (need > this.buf.length) this.grow(need);
    const start = this.used + 4;
    const end = encodeEntry(this.buf, this.view, start, this.entries, e, strategy);
    this.view.setUint32(this.used, end - start, true);
    // One-shot crypto.hash over (previous hash || entry) copied into a reused
    // scratch buffer: about half the cost of createHash().update().digest().
    const len = end - start;
    if (HASH_BYTES + len > this.hashInput.length) this.hashInput = Buffer.alloc(Math.max(HASH_BYTES + len, this.hashInput.length * 2));
    this.head.copy(this.hashInput, 0);
    this.buf.copy(this.hashInput, HASH_BYTES, start, end);
    const h = hash("sha256", this.hashInput.subarray(0, HASH_BYTES + len), "buffer") as unknown as Buffer;
    h.copy(this.buf, end);
    this.head = h;
    this.used = end + HASH_BYTES;
    this.entries++;
  }

  get count(): number {
    return this.entries;
  }

  /** Hex of the latest hash (the genesis hash while empty). */
  get headHex(): string {
    return this.head.toString("hex");
  }

  get genesisHex(): string {
    return this.genesis.toString("hex");
  }

  /** A copy of the head hash. */
  headHash(): Uint8Array {
    return new Uint8Array(this.head);
  }

  /** The label's UTF-8 bytes, as hashed into the genesis. */
  labelUtf8(): Uint8Array {
    return this.labelBytes;
  }

  /** Every entry framed as in the file. A view: valid until the next append. */
  framedEntries(): Uint8Array {
    return this.buf.subarray(0, this.used);
  }

  /** Allocates: at least doubles the buffer. */
  private grow(need: number): void {
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.alloc(cap);
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
}
