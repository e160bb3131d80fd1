import { createHash } from "node:crypto";
import { decodeEntry, MIN_ENTRY_BYTES } from "./auditEncoding.ts";
import {
  AUDIT_FILE_HEADER_BYTES, AUDIT_FORMAT_VERSION, AUDIT_MAGIC, AUDIT_MAGIC_BYTES, FRAME_OVERHEAD_BYTES, HASH_BYTES,
  MAX_ENTRY_BYTES, MAX_LABEL_BYTES,
} from "./auditFormat.ts";
import { genesisHash, type AuditLog } from "./auditLog.ts";

/** Writes several chains (e.g. the run chain, then one per strategy) into one file (auditFormat.ts). Allocates the result. */
export function encodeAuditFile(logs: readonly AuditLog[]): Uint8Array {
  let size = AUDIT_FILE_HEADER_BYTES;
  for (const log of logs) size += 4 + log.labelUtf8().length + 4 + log.framedEntries().length + HASH_BYTES;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(AUDIT_MAGIC, "ascii"), 0);
  view.setUint32(AUDIT_MAGIC_BYTES, AUDIT_FORMAT_VERSION, true);
  view.setUint32(AUDIT_MAGIC_BYTES + 4, logs.length, true);
  let p = AUDIT_FILE_HEADER_BYTES;
  for (const log of logs) {
    const label = log.labelUtf8();
    view.setUint32(p, label.length, true);
    out.set(label, p + 4);
    p += 4 + label.length;
    view.setUint32(p, log.count, true);
    p += 4;
    const framed = log.framedEntries();
    out.set(framed, p);
    p += framed.length;
    out.set(log.headHash(), p);
    p += HASH_BYTES;
  }
  return out;
}

export interface AuditChainSummary {
  readonly label: string;
  readonly entries: number;
  readonly headHex: string;
}

/** Which part of the file broke: the file header or trailer, a chain's header, an entry, a chain's stored head. */
export type AuditPart = "file" | "chainHeader" | "entry" | "head";

export interface AuditBreak {
  readonly part: AuditPart;
  /** Label of the chain, or "" when the file header itself is broken. */
  readonly chain: string;
  /** Position of the chain in the file (0-based), -1 for the file header. */
  readonly chainIndex: number;
  /**
   * Entry index in the chain (0-based); -1 for the chain's header (or the
   * file's); the chain's entry count for its stored head hash.
   */
  readonly index: number;
  readonly reason: string;
}

export interface AuditVerifyResult {
  readonly ok: boolean;
  /** Every chain that verified, in file order (all of them when ok). */
  readonly chains: AuditChainSummary[];
  /** The first place, in file order, where the file stops being a valid chain. */
  readonly firstBroken?: AuditBreak;
}

const utf8Lenient = new TextDecoder("utf-8", { fatal: false });

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Checks every chain in an audit file. Never throws: anything wrong with the
 * bytes — changed, removed, reordered, inserted or truncated — comes back as
 * ok=false with the first broken place named (chain, entry index, reason).
 * Checks per entry, in order: framing fits the file; the stored sequence
 * number equals its position; sha256(previous hash || entry) equals the
 * stored hash; the entry decodes. Then the stored head hash, and finally
 * that nothing follows the last chain.
 */
export function verifyAuditBytes(bytes: Uint8Array): AuditVerifyResult {
  const chains: AuditChainSummary[] = [];
  const broken = (chain: string, chainIndex: number, index: number, reason: string): AuditVerifyResult => {
    const part: AuditPart = chainIndex < 0 ? "file" : index < 0 ? "chainHeader" : index === entryCount ? "head" : "entry";
    return { ok: false, chains, firstBroken: { part, chain, chainIndex, index, reason } };
  };
  let entryCount = -2;
  const size = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  if (size < AUDIT_FILE_HEADER_BYTES) {
    if (size >= AUDIT_MAGIC_BYTES && Buffer.from(bytes.subarray(0, AUDIT_MAGIC_BYTES)).toString("latin1") !== AUDIT_MAGIC) {
      return broken("", -1, -1, "not a ringfence audit file (bad magic)");
    }
    return broken("", -1, -1, `truncated: ${size} bytes, shorter than the ${AUDIT_FILE_HEADER_BYTES}-byte file header`);
  }
  if (Buffer.from(bytes.subarray(0, AUDIT_MAGIC_BYTES)).toString("latin1") !== AUDIT_MAGIC) {
    return broken("", -1, -1, "not a ringfence audit file (bad magic)");
  }
  const version = view.getUint32(AUDIT_MAGIC_BYTES, true);
  if (version !== AUDIT_FORMAT_VERSION) return broken("", -1, -1, `unsupported format version ${version} (this build reads ${AUDIT_FORMAT_VERSION})`);
  const chainCount = view.getUint32(AUDIT_MAGIC_BYTES + 4, true);

  let p = AUDIT_FILE_HEADER_BYTES;
  for (let c = 0; c < chainCount; c++) {
    const fallbackName = `#${c}`;
    entryCount = -2;
    if (p + 4 > size) return broken(fallbackName, c, -1, "truncated: file ends inside the chain header");
    const labelLen = view.getUint32(p, true);
    if (labelLen > MAX_LABEL_BYTES) return broken(fallbackName, c, -1, `label length ${labelLen} is over the ${MAX_LABEL_BYTES}-byte limit`);
    if (p + 4 + labelLen + 4 > size) return broken(fallbackName, c, -1, "truncated: file ends inside the chain header");
    const labelBytes = bytes.subarray(p + 4, p + 4 + labelLen);
    const label = utf8Lenient.decode(labelBytes);
    p += 4 + labelLen;
    entryCount = view.getUint32(p, true);
    p += 4;
    let prev: Uint8Array = genesisHash(labelBytes);
    for (let k = 0; k < entryCount; k++) {
      if (p + 4 > size) return broken(label, c, k, "truncated: file ends before this entry");
      const len = view.getUint32(p, true);
      if (len < MIN_ENTRY_BYTES || len > MAX_ENTRY_BYTES) {
        return broken(label, c, k, `entry length ${len} is outside ${MIN_ENTRY_BYTES}..${MAX_ENTRY_BYTES}`);
      }
      if (p + FRAME_OVERHEAD_BYTES + len > size) return broken(label, c, k, "truncated: file ends inside this entry");
      const entry = bytes.subarray(p + 4, p + 4 + len);
      const stored = bytes.subarray(p + 4 + len, p + FRAME_OVERHEAD_BYTES + len);
      const seq = view.getInt32(p + 8, true) * 4294967296 + view.getUint32(p + 4, true);
      if (seq !== k) return broken(label, c, k, `sequence number ${seq} where ${k} belongs (entry removed, reordered, inserted or changed)`);
      const h = createHash("sha256").update(prev).update(entry).digest();
      if (!sameBytes(h, stored)) return broken(label, c, k, "hash mismatch (this entry, its stored hash, or the label changed)");
      const decoded = decodeEntry(entry);
      if (typeof decoded === "string") return broken(label, c, k, `malformed entry: ${decoded}`);
      prev = h;
      p += FRAME_OVERHEAD_BYTES + len;
    }
    if (p + HASH_BYTES > size) return broken(label, c, entryCount, "truncated: file ends inside the head hash");
    if (!sameBytes(prev, bytes.subarray(p, p + HASH_BYTES))) {
      return broken(label, c, entryCount, "stored head hash does not match the chain (entries removed from the end, label or head changed)");
    }
    p += HASH_BYTES;
    chains.push({ label, entries: entryCount, headHex: hex(prev) });
  }
  if (p !== size) {
    return broken("", -1, -1, `${size - p} unexpected bytes after the last chain (chain count changed, or data appended)`);
  }
  return { ok: true, chains };
}
