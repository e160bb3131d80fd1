/**
 * Reads the entries of every chain in an audit file (for tools and tests),
 * format 2 or 1 (auditFormat.ts): verifyAuditBytes walks the file and hands
 * over each entry as it decodes it. A broken file is an error naming where
 * it broke. Allocates one object per entry, and holds them all: a file of
 * any size is read in bounded memory by auditFileReader.ts instead.
 */
import type { DecodedAuditEntry } from "./auditEncoding.ts";
import { auditBreakText, verifyAuditBytes } from "./auditFile.ts";

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
  if (!v.ok) throw new Error(auditBreakText(v.firstBroken!));
  return v.chains.map((c, i) => ({ label: c.label, headHex: c.headHex, formatVersion: v.formatVersion, entries: entries[i] ?? [] }));
}
