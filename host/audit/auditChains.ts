/**
 * Reads the entries of every chain in an audit file (for replay and tools),
 * format 2 or 1 (auditFormat.ts): verifyAuditBytes walks the file and hands
 * over each entry as it decodes it. A broken file is an error naming where
 * it broke. Allocates one object per entry: not for hot paths.
 */
import type { DecodedAuditEntry } from "./auditEncoding.ts";
import { verifyAuditBytes } from "./auditFile.ts";

export interface AuditChain {
  readonly label: string;
  readonly headHex: string;
  /** The file's format version: heads of the same entries differ between formats. */
  readonly formatVersion: number;
  readonly entries: DecodedAuditEntry[];
}

export function readAuditChains(bytes: Uint8Array): AuditChain[] {
  const entries: DecodedAuditEntry[][] = [];
  const v = verifyAuditBytes(bytes, (c, e) => (entries[c] ??= []).push(e));
  if (!v.ok) {
    const b = v.firstBroken!;
    const at = b.part === "block" ? `entries ${b.index}..${b.through}` : `${b.part} ${b.index}`;
    throw new Error(`audit chain '${b.chain}' broken at ${at}: ${b.reason}`);
  }
  return v.chains.map((c, i) => ({ label: c.label, headHex: c.headHex, formatVersion: v.formatVersion, entries: entries[i] ?? [] }));
}
