/**
 * Test helpers: sample audit chains, and a small independent reader/writer of
 * the file layout (auditFormat.ts, format 2; a format-1 writer) so tests can
 * remove, reorder and insert entries the way an attacker would.
 */
import { createHash } from "node:crypto";
import { AUDIT_FILE_HEADER_BYTES, HASH_BYTES } from "../../../host/audit/auditFormat.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { prng, randInt } from "../../support/seed.ts";

const CALLS = ["submit_order", "cancel_order", "read_position", "log", "set_timer", "fault"];

/**
 * A run chain plus per-strategy chains (one empty), filled from a seeded
 * PRNG. Blocks of 4 entries by default, so a few entries make several
 * blocks (the runtime uses 64).
 */
export function sampleLogs(seed: number, entriesPerChain = 12, blockEntries = 4): AuditLog[] {
  const rand = prng(seed);
  const run = new AuditLog("run", blockEntries);
  const strategies = [new AuditLog("strategy:abc123", blockEntries), new AuditLog("strategy:ünïcödé", blockEntries), new AuditLog("strategy:empty", blockEntries)];
  for (let k = 0; k < entriesPerChain; k++) {
    for (let s = 0; s < 2; s++) {
      const call = CALLS[randInt(rand, 0, CALLS.length - 1)];
      const args = Array.from({ length: randInt(rand, 0, 7) }, () => randInt(rand, -1_000, 2 ** 31));
      const entry = {
        eventIndex: k,
        timeNs: 1_700_000_000_000_000_000 + k * 1_000 + s,
        call,
        args,
        result: randInt(rand, -110, 50),
        detail: call === "log" ? `line ${k} ✓` : undefined,
      };
      strategies[s].append(entry);
      run.append(entry, s);
    }
  }
  return [run, ...strategies];
}

export interface ParsedChain {
  labelBytes: Uint8Array;
  blockEntries: number;
  /** Each entry's bytes. */
  frames: Uint8Array[];
  /** Each block's stored hash, in order. */
  blockHashes: Uint8Array[];
  head: Uint8Array;
}

export interface ParsedFile {
  header: Uint8Array;
  chains: ParsedChain[];
}

/** Parses a well-formed format-2 file (throws on anything else: test input only). */
export function parseFile(bytes: Uint8Array): ParsedFile {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = bytes.slice(0, AUDIT_FILE_HEADER_BYTES);
  const count = v.getUint32(AUDIT_FILE_HEADER_BYTES - 4, true);
  let p = AUDIT_FILE_HEADER_BYTES;
  const chains: ParsedChain[] = [];
  for (let c = 0; c < count; c++) {
    const labelLen = v.getUint32(p, true);
    const labelBytes = bytes.slice(p + 4, p + 4 + labelLen);
    p += 4 + labelLen;
    const n = v.getUint32(p, true);
    const blockEntries = v.getUint32(p + 4, true);
    p += 8;
    const frames = [];
    const blockHashes = [];
    for (let k = 0; k < n; k++) {
      const len = v.getUint32(p, true);
      frames.push(bytes.slice(p + 4, p + 4 + len));
      p += 4 + len;
      if ((k + 1) % blockEntries === 0 || k === n - 1) {
        blockHashes.push(bytes.slice(p, p + HASH_BYTES));
        p += HASH_BYTES;
      }
    }
    chains.push({ labelBytes, blockEntries, frames, blockHashes, head: bytes.slice(p, p + HASH_BYTES) });
    p += HASH_BYTES;
  }
  if (p !== bytes.length) throw new Error("parseFile: trailing bytes");
  return { header, chains };
}

/**
 * Writes a ParsedFile back, grouping the frames into blocks and giving block
 * j the j-th stored hash (the last one again when there are more blocks
 * than hashes), as an attacker who edits entries without recomputing
 * hashes would; `entryCount` overrides let a test lie about (or fix up) a
 * chain's count.
 */
export function writeFile(f: ParsedFile, entryCount: (c: number, actual: number) => number = (_c, n) => n): Uint8Array {
  const parts: Uint8Array[] = [f.header];
  const u32 = (n: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  f.chains.forEach((ch, c) => {
    parts.push(u32(ch.labelBytes.length), ch.labelBytes, u32(entryCount(c, ch.frames.length)), u32(ch.blockEntries));
    const n = ch.frames.length;
    for (let k = 0; k < n; k++) {
      parts.push(u32(ch.frames[k].length), ch.frames[k]);
      if ((k + 1) % ch.blockEntries === 0 || k === n - 1) {
        const j = Math.floor(k / ch.blockEntries);
        parts.push(ch.blockHashes[Math.min(j, ch.blockHashes.length - 1)] ?? new Uint8Array(HASH_BYTES));
      }
    }
    parts.push(ch.head);
  });
  return Buffer.concat(parts);
}

export interface ByteRole {
  part: "file" | "chainCount" | "labelLength" | "label" | "entryCount" | "blockEntries" | "frame" | "blockHash" | "head";
  chainIndex: number;
  /** The entry (frame), the block's first entry (blockHash), or the entry count (head). */
  index: number;
  /** The block's last entry (frame, blockHash). */
  through?: number;
  /** The block's first entry (frame). */
  first?: number;
}

/** What each byte of a well-formed format-2 file is, for checking where a flipped byte is reported. */
export function byteRoles(bytes: Uint8Array): ByteRole[] {
  const f = parseFile(bytes);
  const roles: ByteRole[] = [];
  const push = (n: number, r: ByteRole) => {
    for (let k = 0; k < n; k++) roles.push(r);
  };
  push(AUDIT_FILE_HEADER_BYTES - 4, { part: "file", chainIndex: -1, index: -1 });
  push(4, { part: "chainCount", chainIndex: -1, index: -1 });
  f.chains.forEach((ch, c) => {
    push(4, { part: "labelLength", chainIndex: c, index: -1 });
    push(ch.labelBytes.length, { part: "label", chainIndex: c, index: -1 });
    push(4, { part: "entryCount", chainIndex: c, index: -1 });
    push(4, { part: "blockEntries", chainIndex: c, index: -1 });
    const n = ch.frames.length;
    ch.frames.forEach((fr, k) => {
      const first = k - (k % ch.blockEntries);
      const through = Math.min(first + ch.blockEntries, n) - 1;
      push(4 + fr.length, { part: "frame", chainIndex: c, index: k, first, through });
      if (k === through) push(HASH_BYTES, { part: "blockHash", chainIndex: c, index: first, through });
    });
    push(HASH_BYTES, { part: "head", chainIndex: c, index: n });
  });
  return roles;
}

/** A format-1 file written by hand from sampleLogs' entries: entryHash_i = sha256(entryHash_{i-1} || entry_i). */
export function v1File(seed: number): { bytes: Uint8Array; chains: { label: string; entries: number; headHex: string }[]; frameAt: number[][] } {
  const logs = sampleLogs(seed, 6);
  const parts: Uint8Array[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n, 0);
    return b;
  };
  parts.push(Buffer.from("RFAUDIT1", "ascii"), u32(1), u32(logs.length));
  let size = 16;
  const chains = [];
  const frameAt: number[][] = [];
  for (const log of logs) {
    const label = Buffer.from(log.label, "utf8");
    parts.push(u32(label.length), label, u32(log.count));
    size += 8 + label.length;
    let prev: Uint8Array = createHash("sha256").update("ringfence-audit-v1\n").update(label).digest();
    const starts: number[] = [];
    log.visitEntries(0, (entry) => {
      const e = Buffer.from(entry);
      prev = createHash("sha256").update(prev).update(e).digest();
      starts.push(size);
      parts.push(u32(e.length), e, prev);
      size += 4 + e.length + 32;
    });
    parts.push(prev);
    size += 32;
    frameAt.push(starts);
    chains.push({ label: log.label, entries: log.count, headHex: Buffer.from(prev).toString("hex") });
  }
  const bytes = new Uint8Array(Buffer.concat(parts)); // a copy: Buffer.slice would not copy
  if (bytes.length !== size) throw new Error(`v1File: ${bytes.length} bytes, counted ${size}`);
  return { bytes, chains, frameAt };
}
