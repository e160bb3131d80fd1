/**
 * Reads the entries of every chain in an audit file (for replay and tools).
 * Verifies the file first; a broken file is an error naming where it broke.
 * Allocates one object per entry: not for hot paths.
 */
import { decodeEntry, type DecodedAuditEntry } from "./auditEncoding.ts";
import { AUDIT_FILE_HEADER_BYTES, AUDIT_MAGIC_BYTES, HASH_BYTES } from "./auditFormat.ts";
import { verifyAuditBytes } from "./auditFile.ts";

export interface AuditChain {
  readonly label: string;
  readonly headHex: string;
  readonly entries: DecodedAuditEntry[];
}

export function readAuditChains(bytes: Uint8Array): AuditChain[] {
  const v = verifyAuditBytes(bytes);
  if (!v.ok) {
    const b = v.firstBroken!;
    throw new Error(`audit chain '${b.chain}' broken at ${b.part} ${b.index}: ${b.reason}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chains: AuditChain[] = [];
  const count = view.getUint32(AUDIT_MAGIC_BYTES + 4, true);
  let p = AUDIT_FILE_HEADER_BYTES;
  for (let c = 0; c < count; c++) {
    const labelLen = view.getUint32(p, true);
    const label = Buffer.from(bytes.subarray(p + 4, p + 4 + labelLen)).toString("utf8");
    p += 4 + labelLen;
    const n = view.getUint32(p, true);
    p += 4;
    const entries: DecodedAuditEntry[] = [];
    for (let i = 0; i < n; i++) {
      const len = view.getUint32(p, true);
      const e = decodeEntry(bytes.subarray(p + 4, p + 4 + len));
      if (typeof e === "string") throw new Error(`audit chain '${label}' entry ${i}: ${e}`);
      entries.push(e);
      p += 4 + len + HASH_BYTES;
    }
    chains.push({ label, headHex: Buffer.from(bytes.subarray(p, p + HASH_BYTES)).toString("hex"), entries });
    p += HASH_BYTES;
  }
  return chains;
}
