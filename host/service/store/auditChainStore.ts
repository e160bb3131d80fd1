/**
 * Hash-chained audit chains kept in LMDB (layout in schema.ts): the same
 * entry encoding as host/audit, hashed per entry (audit format 1: each
 * append is its own transaction, so there is no block to wait for), so any
 * chain can be exported as an audit file and checked with `ringfence audit
 * verify`, which reads both formats.
 *
 * Appends happen only inside a write transaction (ServiceStore.commit): the
 * head is read and the entry and the new head written in the same
 * transaction, so concurrent appenders — two requests, or the server and
 * `ringfence keys create` in another process — are serialized by LMDB's
 * single writer and a chain never forks. Allocates per entry: this is the
 * service's control path, not a trading hot path.
 */
import { createHash } from "node:crypto";
import type { Database } from "lmdb";
import { decodeEntry, encodedEntryBytes, encodeEntry, type AuditEntry, type DecodedAuditEntry } from "../../audit/auditEncoding.ts";
import { verifyAuditBytes, type AuditVerifyResult } from "../../audit/auditFile.ts";
import {
  AUDIT_FILE_HEADER_BYTES, AUDIT_FORMAT_V1, AUDIT_MAGIC, AUDIT_MAGIC_BYTES, HASH_BYTES, MAX_LABEL_BYTES, V1_FRAME_OVERHEAD_BYTES,
} from "../../audit/auditFormat.ts";
import { genesisHash } from "../../audit/auditLog.ts";

export interface ChainHead {
  readonly count: number;
  readonly head: Uint8Array;
}

export interface ChainEntry {
  readonly entry: Uint8Array;
  readonly hash: Uint8Array;
}

export type AuditKey = [string, number];

export interface ChainView {
  readonly chain: string;
  readonly count: number;
  readonly headHex: string;
  /** The stored chain checked from its genesis (host/audit/auditFile.ts verifyAuditBytes). */
  readonly verification: AuditVerifyResult;
  /** Entries [from, from + limit) decoded; empty when the chain does not verify past them. */
  readonly entries: DecodedAuditEntry[];
}

export class AuditChainStore {
  constructor(
    private readonly heads: Database<ChainHead, string>,
    private readonly entries: Database<ChainEntry, AuditKey>,
  ) {}

  /**
   * Appends one entry to `chain`. Call only inside a write transaction (the
   * head read here must be the one this transaction replaces). Returns the
   * entry's sequence number.
   */
  appendInTransaction(chain: string, e: AuditEntry, strategy?: number): number {
    if (Buffer.byteLength(chain, "utf8") > MAX_LABEL_BYTES) throw new RangeError(`audit chain label is over ${MAX_LABEL_BYTES} bytes`);
    const current = this.heads.get(chain);
    const seq = current?.count ?? 0;
    const prev = current === undefined ? genesisHash(Buffer.from(chain, "utf8"), AUDIT_FORMAT_V1) : Buffer.from(current.head);
    const entry = Buffer.alloc(encodedEntryBytes(e));
    encodeEntry(entry, new DataView(entry.buffer, entry.byteOffset, entry.byteLength), 0, seq, e, strategy);
    const hash = createHash("sha256").update(prev).update(entry).digest();
    this.entries.putSync([chain, seq], { entry, hash });
    this.heads.putSync(chain, { count: seq + 1, head: hash });
    return seq;
  }

  head(chain: string): { count: number; headHex: string } {
    const h = this.heads.get(chain);
    return h === undefined
      ? { count: 0, headHex: genesisHash(Buffer.from(chain, "utf8"), AUDIT_FORMAT_V1).toString("hex") }
      : { count: h.count, headHex: Buffer.from(h.head).toString("hex") };
  }

  /** Every chain label, in key order. */
  chains(): string[] {
    return [...this.heads.getKeys()].map(String);
  }

  /**
   * The chain as an audit file (auditFormat.ts) with this one chain: what
   * `ringfence audit verify` reads. Entries come from the store as they
   * are, so a damaged entry shows up when the file is verified.
   */
  exportFile(chain: string): Uint8Array {
    const h = this.heads.get(chain);
    const count = h?.count ?? 0;
    const label = Buffer.from(chain, "utf8");
    const frames: ChainEntry[] = [];
    for (const { value } of this.entries.getRange({ start: [chain, 0], end: [chain, count] })) frames.push(value);
    let size = AUDIT_FILE_HEADER_BYTES + 4 + label.length + 4 + HASH_BYTES;
    for (const f of frames) size += V1_FRAME_OVERHEAD_BYTES + f.entry.length;
    const out = Buffer.alloc(size);
    out.write(AUDIT_MAGIC, 0, "ascii");
    out.writeUInt32LE(AUDIT_FORMAT_V1, AUDIT_MAGIC_BYTES);
    out.writeUInt32LE(1, AUDIT_MAGIC_BYTES + 4);
    let p = AUDIT_FILE_HEADER_BYTES;
    out.writeUInt32LE(label.length, p);
    label.copy(out, p + 4);
    p += 4 + label.length;
    // The stored count, not the frames found: a missing entry must fail verification.
    out.writeUInt32LE(count, p);
    p += 4;
    for (const f of frames) {
      out.writeUInt32LE(f.entry.length, p);
      out.set(f.entry, p + 4);
      out.set(f.hash, p + 4 + f.entry.length);
      p += V1_FRAME_OVERHEAD_BYTES + f.entry.length;
    }
    out.set(h === undefined ? genesisHash(label, AUDIT_FORMAT_V1) : h.head, p);
    return out.subarray(0, p + HASH_BYTES);
  }

  /** The chain checked end to end, and a page of its entries decoded. */
  view(chain: string, from = 0, limit = 200): ChainView {
    const file = this.exportFile(chain);
    const verification = verifyAuditBytes(file);
    const { count, headHex } = this.head(chain);
    const entries: DecodedAuditEntry[] = [];
    const end = Math.min(count, from + limit);
    for (const { value } of this.entries.getRange({ start: [chain, Math.max(0, from)], end: [chain, end] })) {
      const d = decodeEntry(value.entry);
      if (typeof d === "string") break;
      entries.push(d);
    }
    return { chain, count, headHex, verification, entries };
  }
}
