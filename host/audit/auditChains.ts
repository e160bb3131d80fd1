/**
 * Reads the entries of every chain in an audit file (for replay and tools),
 * format 2 or 1 (auditFormat.ts). Verifies the file first; a broken file is
 * an error naming where it broke. Allocates one object per entry: not for
 * hot paths.
 */
import { decodeEntry, type DecodedAuditEntry } from "./auditEncoding.ts";
import { AUDIT_FILE_HEADER_BYTES, AUDIT_FORMAT_V1, AUDIT_MAGIC_BYTES, FRAME_PREFIX_BYTES, HASH_BYTES } from "./auditFormat.ts";
import { verifyAuditBytes } from "./auditFile.ts";

export interface AuditChain {
  readonly label: string;
  readonly headHex: string;
  /** The file's format version: heads of the same entries differ between formats. */
  readonly formatVersion: number;
  readonly entries: DecodedAuditEntry[];
}

export function readAuditChains(bytes: Uint8Array): AuditChain[] {
  const v = verifyAuditBytes(bytes);
  if (!v.ok) {
    const b = v.firstBroken!;
    const at = b.part === "block" ? `entries ${b.index}..${b.through}` : `${b.part} ${b.index}`;
    throw new Error(`audit chain '${b.chain}' broken at ${at}: ${b.reason}`);
  }
  const v1 = v.formatVersion === AUDIT_FORMAT_V1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chains: AuditChain[] = [];
  const count = view.getUint32(AUDIT_MAGIC_BYTES + 4, true);
  let p = AUDIT_FILE_HEADER_BYTES;
  for (let c = 0; c < count; c++) {
    const labelLen = view.getUint32(p, true);
    const label = Buffer.from(bytes.subarray(p + 4, p + 4 + labelLen)).toString("utf8");
    p += 4 + labelLen;
    const n = view.getUint32(p, true);
    // Format 1: a hash after every entry; format 2: after every blockEntries entries and the last.
    const block = v1 ? 1 : view.getUint32(p + 4, true);
    p += v1 ? 4 : 8;
    const entries: DecodedAuditEntry[] = [];
    for (let i = 0; i < n; i++) {
      const len = view.getUint32(p, true);
      const e = decodeEntry(bytes.subarray(p + FRAME_PREFIX_BYTES, p + FRAME_PREFIX_BYTES + len));
      if (typeof e === "string") throw new Error(`audit chain '${label}' entry ${i}: ${e}`);
      entries.push(e);
      p += FRAME_PREFIX_BYTES + len;
      if ((i + 1) % block === 0 || i === n - 1) p += HASH_BYTES;
    }
    chains.push({ label, headHex: Buffer.from(bytes.subarray(p, p + HASH_BYTES)).toString("hex"), formatVersion: v.formatVersion, entries });
    p += HASH_BYTES;
  }
  return chains;
}
