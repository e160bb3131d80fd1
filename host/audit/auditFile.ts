import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { decodeEntry, MIN_ENTRY_BYTES, type DecodedAuditEntry } from "./auditEncoding.ts";
import {
  AUDIT_FILE_HEADER_BYTES, AUDIT_FORMAT_V1, AUDIT_FORMAT_VERSION, AUDIT_MAGIC, AUDIT_MAGIC_BYTES, FRAME_PREFIX_BYTES, HASH_BYTES,
  MAX_BLOCK_ENTRIES, MAX_ENTRY_BYTES, MAX_LABEL_BYTES, V1_FRAME_OVERHEAD_BYTES,
} from "./auditFormat.ts";
import { genesisHash, type AuditLog } from "./auditLog.ts";
import { MemorySink, type ByteSink } from "../feed/sinks.ts";

/** Bytes of the format-2 file writeAuditFile writes for these chains. */
export function auditFileBytes(logs: readonly AuditLog[]): number {
  let size = AUDIT_FILE_HEADER_BYTES;
  for (const log of logs) size += 4 + log.labelUtf8().length + 4 + 4 + log.blockBytesLength + HASH_BYTES;
  return size;
}

/**
 * Writes several chains (e.g. the run chain, then one per strategy) as one
 * format-2 file (auditFormat.ts) into `sink`, piece by piece: the chains'
 * blocks go out as views into the logs, never copied into one buffer.
 */
export function writeAuditFile(logs: readonly AuditLog[], sink: ByteSink): void {
  sink.write(fileHeader(logs.length));
  for (const log of logs) {
    sink.write(chainHeader(log, log.count));
    log.writeBlocks((chunk) => sink.write(chunk));
    sink.write(log.headHash());
  }
}

function fileHeader(chains: number): Uint8Array {
  const header = new Uint8Array(AUDIT_FILE_HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set(Buffer.from(AUDIT_MAGIC, "ascii"), 0);
  view.setUint32(AUDIT_MAGIC_BYTES, AUDIT_FORMAT_VERSION, true);
  view.setUint32(AUDIT_MAGIC_BYTES + 4, chains, true);
  return header;
}

/** A chain's header: its label, `entries`, its block size. The entry count sits at byte 4 + label length. */
function chainHeader(log: AuditLog, entries: number): Uint8Array {
  const label = log.labelUtf8();
  const header = new Uint8Array(4 + label.length + 8);
  const view = new DataView(header.buffer);
  view.setUint32(0, label.length, true);
  header.set(label, 4);
  view.setUint32(4 + label.length, entries, true);
  view.setUint32(8 + label.length, log.blockEntries, true);
  return header;
}

/**
 * One chain written to its own format-2 file while it grows (a recorded
 * live strategy): the headers when it opens, sealed blocks whenever drain()
 * is called (the log then drops them), the rest and the head at finish(),
 * and last the entry count, patched into the chain header. The file is what
 * writeAuditFile([log]) writes, and the log's memory stays at what was not
 * drained yet: held whole, a strategy auditing a few thousand calls an
 * event took a recorded run to 16.8 GB.
 */
export class ChainFileWriter {
  private readonly fd: number;
  private readonly countAt: number;
  private readonly write = (chunk: Uint8Array): void => writeAll(this.fd, chunk, null);

  /** Creates `path` (which must not exist). */
  constructor(readonly path: string, private readonly log: AuditLog) {
    this.fd = openSync(path, "wx");
    this.write(fileHeader(1));
    this.write(chainHeader(log, 0));
    this.countAt = AUDIT_FILE_HEADER_BYTES + 4 + log.labelUtf8().length;
  }

  /** Writes out the sealed blocks the log holds, and drops them from it. */
  drain(): void {
    this.log.drainSealed(this.write);
  }

  /** Writes the rest of the chain and its head, then the entry count, and closes the file. */
  finish(): void {
    try {
      this.log.writeHeld(this.write);
      this.write(this.log.headHash());
      const count = new Uint8Array(4);
      new DataView(count.buffer).setUint32(0, this.log.count, true);
      writeAll(this.fd, count, this.countAt);
    } finally {
      closeSync(this.fd);
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number | null): void {
  for (let done = 0; done < bytes.length;) {
    done += writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
  }
}

/** The file writeAuditFile writes, in memory. Allocates the result. */
export function encodeAuditFile(logs: readonly AuditLog[]): Uint8Array {
  const sink = new MemorySink(auditFileBytes(logs));
  writeAuditFile(logs, sink);
  return sink.bytes();
}

export interface AuditChainSummary {
  readonly label: string;
  readonly entries: number;
  readonly headHex: string;
}

/** Which part of the file broke: the file header or trailer, a chain's header, an entry, a block's hash (format 2), a chain's stored head. */
export type AuditPart = "file" | "chainHeader" | "entry" | "block" | "head";

export interface AuditBreak {
  readonly part: AuditPart;
  /** Label of the chain, or "" when the file header itself is broken. */
  readonly chain: string;
  /** Position of the chain in the file (0-based), -1 for the file header. */
  readonly chainIndex: number;
  /**
   * Entry index in the chain (0-based); -1 for the chain's header (or the
   * file's); the first entry of the block for a block; the chain's entry
   * count for its stored head hash.
   */
  readonly index: number;
  /** For a block: its last entry (the block is entries index..through). */
  readonly through?: number;
  readonly reason: string;
}

export interface AuditVerifyResult {
  readonly ok: boolean;
  /** The file's format version (0 when the header itself is unreadable). */
  readonly formatVersion: number;
  /** Every chain that verified, in file order (all of them when ok). */
  readonly chains: AuditChainSummary[];
  /** The first place, in file order, where the file stops being a valid chain. */
  readonly firstBroken?: AuditBreak;
}

/** A break as one line: `audit chain 'L' broken at entries 64..127: hash mismatch (…)` (for readers that refuse a broken file). */
export function auditBreakText(b: AuditBreak): string {
  const at = b.part === "block" ? `entries ${b.index}..${b.through}` : `${b.part} ${b.index}`;
  return `audit chain '${b.chain}' broken at ${at}: ${b.reason}`;
}

/**
 * An audit file's bytes, handed to the walk over them (auditEntries) as it
 * asks: the whole file in memory (verifyAuditBytes), or a window moved
 * along a file on disk (auditFileReader.ts), so that one walk — one
 * definition of what a valid file is — serves both.
 *
 * The walk asks in file order: each fetch starts at or after the previous
 * one's start and no later than its end (no byte is skipped), and every
 * byte it hashes it has fetched.
 */
export interface AuditBytes {
  /** The file's length. */
  readonly size: number;
  /** What fetch's offsets point into, and a view of it: read them again after each fetch (a window may move or grow). */
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Makes the file's bytes [at, at + n) readable (at + n ≤ size) and returns their offset in `bytes`, valid until the next fetch. */
  fetch(at: number, n: number): number;
  /** Starts sha256(prefix || the file's bytes from `from`) ... */
  beginHash(prefix: Uint8Array, from: number): void;
  /** ... up to `to`, already fetched: the digest. */
  endHash(to: number): Buffer;
}

/** The whole file in memory: every fetch is an offset into it, and a hash two updates. */
class WholeFile implements AuditBytes {
  readonly size: number;
  readonly view: DataView;
  private hashPrefix: Uint8Array = new Uint8Array(0);
  private hashFrom = 0;

  constructor(readonly bytes: Uint8Array) {
    this.size = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fetch(at: number): number {
    return at;
  }

  beginHash(prefix: Uint8Array, from: number): void {
    this.hashPrefix = prefix;
    this.hashFrom = from;
  }

  endHash(to: number): Buffer {
    return createHash("sha256").update(this.hashPrefix).update(this.bytes.subarray(this.hashFrom, to)).digest();
  }
}

/** One entry as the walk reads it. */
export interface AuditEntryRead {
  readonly chainIndex: number;
  /** Its position in its chain. */
  readonly index: number;
  readonly entry: DecodedAuditEntry;
  /** Its encoded bytes (what the chain hashes): a view, valid until the walk goes on. */
  readonly bytes: Uint8Array;
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

/** A chain body that did not verify: where and why (filled in with the chain's label and index by the caller). */
type ChainFault = { part: "entry" | "block" | "head"; index: number; through?: number; reason: string };

/** Hears each entry as it is decoded (chain position, entry); entries of a chain that later breaks are heard too. */
export type AuditEntryVisitor = (chainIndex: number, entry: DecodedAuditEntry) => void;

/**
 * Checks every chain in an audit file, format 2 or 1. Never throws:
 * anything wrong with the bytes — changed, removed, reordered, inserted or
 * truncated — comes back as ok=false with the first broken place named.
 * Readers that want the entries pass `visit` (auditChains.ts) rather than
 * parse the layout again; see auditEntries for what is checked.
 */
export function verifyAuditBytes(bytes: Uint8Array, visit?: AuditEntryVisitor): AuditVerifyResult {
  const walk = auditEntries(new WholeFile(bytes));
  for (;;) {
    const r = walk.next();
    if (r.done) return r.value;
    visit?.(r.value.chainIndex, r.value.entry);
  }
}

/** The file header's format version and chain count, or where it is broken (the first thing auditEntries checks). */
export function auditFileHeader(src: AuditBytes): { formatVersion: number; chainCount: number } | AuditBreak {
  const broken = (reason: string): AuditBreak => ({ part: "file", chain: "", chainIndex: -1, index: -1, reason });
  const magicAt = (): boolean => {
    const o = src.fetch(0, AUDIT_MAGIC_BYTES);
    return Buffer.from(src.bytes.subarray(o, o + AUDIT_MAGIC_BYTES)).toString("latin1") === AUDIT_MAGIC;
  };
  if (src.size < AUDIT_FILE_HEADER_BYTES) {
    if (src.size >= AUDIT_MAGIC_BYTES && !magicAt()) return broken("not a ringfence audit file (bad magic)");
    return broken(`truncated: ${src.size} bytes, shorter than the ${AUDIT_FILE_HEADER_BYTES}-byte file header`);
  }
  if (!magicAt()) return broken("not a ringfence audit file (bad magic)");
  const o = src.fetch(0, AUDIT_FILE_HEADER_BYTES);
  const version = src.view.getUint32(o + AUDIT_MAGIC_BYTES, true);
  if (version !== AUDIT_FORMAT_VERSION && version !== AUDIT_FORMAT_V1) {
    return broken(`unsupported format version ${version} (this build reads ${AUDIT_FORMAT_V1} and ${AUDIT_FORMAT_VERSION})`);
  }
  return { formatVersion: version, chainCount: src.view.getUint32(o + AUDIT_MAGIC_BYTES + 4, true) };
}

/**
 * The one walk over an audit file's layout (format 2 or 1): yields each
 * entry as it decodes it and returns what verifyAuditBytes returns. Per
 * entry, in order: its frame fits the file; its stored sequence number
 * equals its position; it decodes. Per block (format 2) or entry (format
 * 1): sha256(previous hash || its bytes) equals the stored hash. Then the
 * chain's stored head, and finally that nothing follows the last chain.
 *
 * An entry is yielded before the hash that covers it is checked: until the
 * walk has returned ok, what it yielded may be a tampered entry. A reader
 * that acts on entries as they come (replay) reads on to the end, and a
 * break anywhere overrides whatever it concluded from them.
 */
export function* auditEntries(src: AuditBytes): Generator<AuditEntryRead, AuditVerifyResult, void> {
  const chains: AuditChainSummary[] = [];
  const header = auditFileHeader(src);
  if ("part" in header) return { ok: false, formatVersion: 0, chains, firstBroken: header };
  const { formatVersion: version, chainCount } = header;
  const size = src.size;
  const headerBytes = version === AUDIT_FORMAT_V1 ? 4 : 8; // entryCount (, blockEntries)

  let p = AUDIT_FILE_HEADER_BYTES;
  for (let c = 0; c < chainCount; c++) {
    const broken = (chain: string, f: ChainFault | { part: "chainHeader"; index: -1; reason: string }): AuditVerifyResult =>
      ({ ok: false, formatVersion: version, chains, firstBroken: { chain, chainIndex: c, ...f } });
    const fallbackName = `#${c}`;
    if (p + 4 > size) return broken(fallbackName, { part: "chainHeader", index: -1, reason: "truncated: file ends inside the chain header" });
    const labelLen = src.view.getUint32(src.fetch(p, 4), true);
    if (labelLen > MAX_LABEL_BYTES) return broken(fallbackName, { part: "chainHeader", index: -1, reason: `label length ${labelLen} is over the ${MAX_LABEL_BYTES}-byte limit` });
    if (p + 4 + labelLen + headerBytes > size) return broken(fallbackName, { part: "chainHeader", index: -1, reason: "truncated: file ends inside the chain header" });
    const o = src.fetch(p, 4 + labelLen + headerBytes);
    const labelBytes = src.bytes.subarray(o + 4, o + 4 + labelLen);
    const label = utf8Lenient.decode(labelBytes);
    const entryCount = src.view.getUint32(o + 4 + labelLen, true);
    let blockEntries = 1;
    if (version !== AUDIT_FORMAT_V1) {
      blockEntries = src.view.getUint32(o + 8 + labelLen, true);
      if (blockEntries < 1 || blockEntries > MAX_BLOCK_ENTRIES) {
        return broken(label, { part: "chainHeader", index: -1, reason: `block size ${blockEntries} is outside 1..${MAX_BLOCK_ENTRIES}` });
      }
    }
    // Before the next fetch: labelBytes is a view into the window.
    const genesis = version === AUDIT_FORMAT_V1 ? genesisHash(labelBytes, AUDIT_FORMAT_V1) : genesisHash(labelBytes, AUDIT_FORMAT_VERSION, blockEntries);
    p += 4 + labelLen + headerBytes;
    const walked = version === AUDIT_FORMAT_V1
      ? yield* walkV1Chain(src, c, p, entryCount, genesis)
      : yield* walkV2Chain(src, c, p, entryCount, blockEntries, genesis);
    if ("part" in walked) return broken(label, walked);
    p = walked.end;
    chains.push({ label, entries: entryCount, headHex: walked.headHex });
  }
  if (p !== size) return { ok: false, formatVersion: version, chains, firstBroken: { part: "file", chain: "", chainIndex: -1, index: -1, reason: `${size - p} unexpected bytes after the last chain (chain count changed, or data appended)` } };
  return { ok: true, formatVersion: version, chains };
}

/**
 * Checks the frame at p (whose entry is `k`, followed by `trailer` bytes of
 * hash in format 1) and fetches it whole; returns its entry's length, or a
 * fault.
 */
function checkFrame(src: AuditBytes, p: number, k: number, trailer: number): number | ChainFault {
  const size = src.size;
  if (p + FRAME_PREFIX_BYTES > size) return { part: "entry", index: k, reason: "truncated: file ends before this entry" };
  const len = src.view.getUint32(src.fetch(p, FRAME_PREFIX_BYTES), true);
  if (len < MIN_ENTRY_BYTES || len > MAX_ENTRY_BYTES) return { part: "entry", index: k, reason: `entry length ${len} is outside ${MIN_ENTRY_BYTES}..${MAX_ENTRY_BYTES}` };
  if (p + FRAME_PREFIX_BYTES + len + trailer > size) return { part: "entry", index: k, reason: "truncated: file ends inside this entry" };
  const o = src.fetch(p, FRAME_PREFIX_BYTES + len + trailer) + FRAME_PREFIX_BYTES;
  const seq = src.view.getInt32(o + 4, true) * 4294967296 + src.view.getUint32(o, true);
  if (seq !== k) return { part: "entry", index: k, reason: `sequence number ${seq} where ${k} belongs (entry removed, reordered, inserted or changed)` };
  return len;
}

function decodeAt(entry: Uint8Array, c: number, k: number): AuditEntryRead | ChainFault {
  const decoded = decodeEntry(entry);
  if (typeof decoded === "string") return { part: "entry", index: k, reason: `malformed entry: ${decoded}` };
  return { chainIndex: c, index: k, entry: decoded, bytes: entry };
}

function checkHead(src: AuditBytes, p: number, entryCount: number, head: Uint8Array): { end: number; headHex: string } | ChainFault {
  if (p + HASH_BYTES > src.size) return { part: "head", index: entryCount, reason: "truncated: file ends inside the head hash" };
  const o = src.fetch(p, HASH_BYTES);
  if (!sameBytes(head, src.bytes.subarray(o, o + HASH_BYTES))) {
    return { part: "head", index: entryCount, reason: "stored head hash does not match the chain (entries removed from the end, label or head changed)" };
  }
  return { end: p + HASH_BYTES, headHex: hex(head) };
}

/** Format 2: blocks of blockEntries frames, each followed by sha256(previous || its frames). */
function* walkV2Chain(
  src: AuditBytes, c: number, start: number, entryCount: number, blockEntries: number, genesis: Uint8Array,
): Generator<AuditEntryRead, { end: number; headHex: string } | ChainFault, void> {
  let prev: Uint8Array = genesis;
  let p = start;
  for (let first = 0; first < entryCount; first += blockEntries) {
    const last = Math.min(first + blockEntries, entryCount) - 1;
    src.beginHash(prev, p);
    for (let k = first; k <= last; k++) {
      const len = checkFrame(src, p, k, 0);
      if (typeof len !== "number") return len;
      const o = src.fetch(p, FRAME_PREFIX_BYTES + len) + FRAME_PREFIX_BYTES;
      const read = decodeAt(src.bytes.subarray(o, o + len), c, k);
      if ("part" in read) return read;
      yield read;
      p += FRAME_PREFIX_BYTES + len;
    }
    const range = { part: "block" as const, index: first, through: last };
    if (p + HASH_BYTES > src.size) return { ...range, reason: "truncated: file ends inside this block's hash" };
    const h = src.endHash(p);
    const o = src.fetch(p, HASH_BYTES);
    if (!sameBytes(h, src.bytes.subarray(o, o + HASH_BYTES))) {
      return { ...range, reason: `hash mismatch (an entry of ${first}..${last}, the block's stored hash, or the label changed)` };
    }
    prev = h;
    p += HASH_BYTES;
  }
  return checkHead(src, p, entryCount, prev);
}

/** Format 1: each frame carries sha256(previous || entry). */
function* walkV1Chain(
  src: AuditBytes, c: number, start: number, entryCount: number, genesis: Uint8Array,
): Generator<AuditEntryRead, { end: number; headHex: string } | ChainFault, void> {
  let prev: Uint8Array = genesis;
  let p = start;
  for (let k = 0; k < entryCount; k++) {
    const len = checkFrame(src, p, k, HASH_BYTES);
    if (typeof len !== "number") return len;
    const o = src.fetch(p, V1_FRAME_OVERHEAD_BYTES + len) + FRAME_PREFIX_BYTES;
    src.beginHash(prev, p + FRAME_PREFIX_BYTES);
    const h = src.endHash(p + FRAME_PREFIX_BYTES + len);
    if (!sameBytes(h, src.bytes.subarray(o + len, o + len + HASH_BYTES))) {
      return { part: "entry", index: k, reason: "hash mismatch (this entry, its stored hash, or the label changed)" };
    }
    const read = decodeAt(src.bytes.subarray(o, o + len), c, k);
    if ("part" in read) return read;
    yield read;
    prev = h;
    p += V1_FRAME_OVERHEAD_BYTES + len;
  }
  return checkHead(src, p, entryCount, prev);
}
