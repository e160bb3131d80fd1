import { createHash, hash } from "node:crypto";
import type { AuditEntry } from "./auditEncoding.ts";
import { encodeEntry, encodedEntryBytes } from "./auditEncoding.ts";
import {
  AUDIT_BLOCK_ENTRIES, AUDIT_FORMAT_V1, AUDIT_FORMAT_VERSION, AUDIT_GENESIS_PREFIX, AUDIT_GENESIS_PREFIX_V1, FRAME_PREFIX_BYTES, HASH_BYTES,
  MAX_BLOCK_ENTRIES, MAX_ENTRY_BYTES, MAX_LABEL_BYTES,
} from "./auditFormat.ts";

export type { AuditEntry } from "./auditEncoding.ts";

const FIRST_CHUNK_BYTES = 64 * 1024;
const NO_BYTES = Buffer.alloc(0);
/** Chunks double from FIRST_CHUNK_BYTES up to this, then stay at it. */
const MAX_CHUNK_BYTES = 1024 * 1024;
/** Room for a block of ~64 typical entries before the open block's buffer grows. */
const FIRST_BLOCK_BYTES = 16 * 1024;

/**
 * A zeroed buffer whose pages are already mapped. Buffer.alloc's memory is
 * mapped lazily by the kernel, so each 4 KiB of a chunk took a page fault
 * (~2 µs on this VM) the first time a sealed block reached it: the host call
 * that sealed a block paid two or three of them (in-process ping strategy:
 * p99 of a whole event 11.3 → 6.6 µs, the p99 being the sealing events).
 * Writing the zeros here takes those faults together, once per chunk.
 */
function prefaulted(bytes: number): Buffer {
  return Buffer.allocUnsafeSlow(bytes).fill(0);
}

/**
 * The hash before the first entry: format 2, sha256(prefix || blockEntries
 * u32 || label), so a changed block size breaks even an empty chain;
 * format 1, sha256(prefix || label).
 */
export function genesisHash(labelBytes: Uint8Array, version: number = AUDIT_FORMAT_VERSION, blockEntries: number = AUDIT_BLOCK_ENTRIES): Buffer {
  if (version === AUDIT_FORMAT_V1) return createHash("sha256").update(AUDIT_GENESIS_PREFIX_V1, "utf8").update(labelBytes).digest();
  const size = Buffer.alloc(4);
  size.writeUInt32LE(blockEntries, 0);
  return createHash("sha256").update(AUDIT_GENESIS_PREFIX, "utf8").update(size).update(labelBytes).digest();
}

/**
 * One hash chain of audit entries (a strategy's host calls, or the whole
 * run's), in audit format 2 (auditFormat.ts): entries are framed as in the
 * file and hashed in blocks of `blockEntries`,
 * blockHash_j = sha256(blockHash_{j-1} || frames of block j).
 *
 * append is on the host-call path. It encodes the entry (auditEncoding.ts)
 * once, straight into the open block's buffer, which starts with the
 * previous block's hash, so sealing a block is one SHA-256 call over
 * contiguous bytes and one copy into the log. It allocates nothing except,
 * once per block, the digest (a 32-char latin1 string) and a view of the
 * sealed block, and when a chunk is full, the next chunk. Sealed blocks go
 * into chunks (64 KiB doubling to 1 MiB) and never straddle two: the first
 * version doubled one buffer and copied the whole log each time, which in a
 * paper run of a million events put multi-millisecond stalls into the
 * strategy's callbacks.
 *
 * The head of a chain whose last block is still open is the hash that block
 * would seal with now (computed when asked for, and cached until the next
 * append), so a head read, or a file written, mid-run is the head and file
 * of the chain as it stands.
 */
export class AuditLog {
  readonly label: string;
  readonly blockEntries: number;
  private readonly labelBytes: Buffer;
  /** Sealed blocks still held, in order, each its frames and hash (a view into a chunk): block releasedBlocks + k is sealed[k]. */
  private readonly sealed: Uint8Array[] = [];
  private sealedBytes = 0;
  /** Sealed blocks no longer held, all before the held ones (release(), or every block of a log that retains none). */
  private releasedBlocks = 0;
  /** The chunk sealed blocks are being copied into (unused when nothing is retained). */
  private chunk: Buffer = NO_BYTES;
  private chunkUsed = 0;
  private entries = 0;
  private readonly genesis: Buffer;
  /** [0, HASH_BYTES): the last sealed block's hash (genesis at first); then the open block's frames up to blockUsed. */
  private block: Buffer = Buffer.alloc(FIRST_BLOCK_BYTES);
  private blockView = new DataView(this.block.buffer, this.block.byteOffset, this.block.byteLength);
  private blockUsed = HASH_BYTES;
  /** Entries in the open block. */
  private blockCount = 0;
  /** The open block's hash as it stands, once asked for (null: not computed since the last append). */
  private openHash: Buffer | null = null;

  /**
   * Throws RangeError when the label is longer than MAX_LABEL_BYTES in UTF-8
   * or blockEntries is not an integer in 1..MAX_BLOCK_ENTRIES (tests use
   * small blocks; the runtime the format's AUDIT_BLOCK_ENTRIES).
   *
   * `retain` false keeps only the open block and the head: the chain is the
   * same, entry for entry and hash for hash, but sealed blocks are dropped,
   * so memory stays flat however long it runs. For a chain whose entries
   * nobody will read back (a live worker's strategy chain when the session
   * is not recorded: only its head is reported).
   */
  constructor(label: string, blockEntries: number = AUDIT_BLOCK_ENTRIES, private readonly retain: boolean = true) {
    const labelBytes = Buffer.from(label, "utf8");
    if (labelBytes.length > MAX_LABEL_BYTES) {
      throw new RangeError(`AuditLog: label must be at most ${MAX_LABEL_BYTES} bytes of UTF-8, got ${labelBytes.length}`);
    }
    if (!Number.isInteger(blockEntries) || blockEntries < 1 || blockEntries > MAX_BLOCK_ENTRIES) {
      throw new RangeError(`AuditLog: blockEntries must be an integer in 1..${MAX_BLOCK_ENTRIES}, got ${blockEntries}`);
    }
    this.label = label;
    this.blockEntries = blockEntries;
    this.labelBytes = labelBytes;
    if (retain) this.chunk = prefaulted(FIRST_CHUNK_BYTES);
    this.genesis = genesisHash(labelBytes, AUDIT_FORMAT_VERSION, blockEntries);
    this.block.set(this.genesis, 0);
  }

  /**
   * Appends one entry; `strategy` is the strategy index for entries in a
   * run-wide chain (absent in a strategy's own chain). An entry longer than
   * MAX_ENTRY_BYTES (only a host bug could make one) is a RangeError.
   */
  append(e: AuditEntry, strategy?: number): void {
    const size = encodedEntryBytes(e);
    if (size > MAX_ENTRY_BYTES) throw new RangeError(`AuditLog: entry for '${e.call}' is ${size} bytes, over ${MAX_ENTRY_BYTES}`);
    const frame = this.blockUsed;
    if (frame + FRAME_PREFIX_BYTES + size > this.block.length) this.growBlock(frame + FRAME_PREFIX_BYTES + size);
    const end = encodeEntry(this.block, this.blockView, frame + FRAME_PREFIX_BYTES, this.entries, e, strategy);
    this.blockView.setUint32(frame, end - frame - FRAME_PREFIX_BYTES, true);
    this.blockUsed = end;
    this.entries++;
    this.openHash = null;
    if (++this.blockCount === this.blockEntries) this.seal();
  }

  /**
   * Hashes the open block (previous hash || its frames: already contiguous)
   * and copies its frames and hash into the log. Measured against one
   * hash per entry (format 1): a call to crypto.hash costs ~0.2 µs before
   * it hashes a byte, so the per-entry chain cost ~0.4 µs an entry in a
   * backtest and a 64-entry block ~0.1 µs an entry.
   */
  private seal(): void {
    const used = this.blockUsed;
    const digest = hash("sha256", this.block.subarray(0, used), "binary");
    if (!this.retain) {
      for (let k = 0; k < HASH_BYTES; k++) this.block[k] = digest.charCodeAt(k);
      this.releasedBlocks++;
      this.blockUsed = HASH_BYTES;
      this.blockCount = 0;
      return;
    }
    const frames = used - HASH_BYTES;
    const bytes = frames + HASH_BYTES; // the block in the log: its frames, then its hash
    if (this.chunkUsed + bytes > this.chunk.length) this.nextChunk(bytes);
    const chunk = this.chunk;
    const start = this.chunkUsed;
    chunk.set(this.block.subarray(HASH_BYTES, used), start);
    // The digest's 32 chars are its bytes: the block's stored hash, and the
    // next block's first 32 bytes.
    const at = start + frames;
    for (let k = 0; k < HASH_BYTES; k++) {
      const c = digest.charCodeAt(k);
      chunk[at + k] = c;
      this.block[k] = c;
    }
    this.chunkUsed = start + bytes;
    this.sealed.push(chunk.subarray(start, this.chunkUsed));
    this.sealedBytes += bytes;
    this.blockUsed = HASH_BYTES;
    this.blockCount = 0;
  }

  private growBlock(need: number): void {
    const next = Buffer.alloc(Math.max(need, this.block.length * 2));
    next.set(this.block.subarray(0, this.blockUsed), 0);
    this.block = next;
    this.blockView = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /** Allocates: starts a chunk with room for `need` bytes (the full one stays referenced by its blocks' views). */
  private nextChunk(need: number): void {
    const cap = Math.max(need, Math.min(this.chunk.length * 2, MAX_CHUNK_BYTES));
    this.chunk = prefaulted(cap);
    this.chunkUsed = 0;
  }

  get count(): number {
    return this.entries;
  }

  /** Sealed blocks held in memory (the open block aside): what retain/release keep bounded. */
  get heldBlocks(): number {
    return this.sealed.length;
  }

  /** Hex of the head hash (the genesis hash while empty). */
  get headHex(): string {
    return this.head().toString("hex");
  }

  get genesisHex(): string {
    return this.genesis.toString("hex");
  }

  /** A copy of the head hash. */
  headHash(): Uint8Array {
    return new Uint8Array(this.head());
  }

  /** The head: the last sealed block's hash, or the open block's as it stands. Do not modify. */
  private head(): Buffer {
    if (this.blockCount === 0) return this.block.subarray(0, HASH_BYTES);
    if (this.openHash === null) this.openHash = hash("sha256", this.block.subarray(0, this.blockUsed), "buffer") as Buffer;
    return this.openHash;
  }

  /** The label's UTF-8 bytes, as hashed into the genesis. */
  labelUtf8(): Uint8Array {
    return this.labelBytes;
  }

  /** Bytes of the chain's blocks as in the file (what writeBlocks hands out). */
  get blockBytesLength(): number {
    const openFrames = this.blockCount === 0 ? 0 : this.blockUsed - HASH_BYTES;
    return this.sealedBytes + (openFrames === 0 ? 0 : openFrames + HASH_BYTES);
  }

  /**
   * Hands the chain's blocks, as in the file (format 2: each block's frames,
   * then its hash; an open last block with the hash it would seal with
   * now), to `write` in order, as views into the log: `write` must consume
   * each before it returns. Blocks that lie back to back in one chunk go
   * out as one view, so a file of millions of entries is a few thousand
   * writes and never one buffer of its own (past 2 GiB a single write
   * fails in Node). Throws when sealed blocks were released.
   */
  writeBlocks(write: (chunk: Uint8Array) => void): void {
    if (this.releasedBlocks > 0) throw new Error(`AuditLog '${this.label}': its first ${this.releasedBlocks * this.blockEntries} entries are no longer held, so it cannot be written whole`);
    this.writeHeld(write);
  }

  /**
   * Streaming a chain to a file (ChainFileWriter): hands the sealed blocks
   * still held to `write`, as writeBlocks does, and drops them, so the log
   * holds only its open block and memory stays flat however long it runs.
   */
  drainSealed(write: (chunk: Uint8Array) => void): void {
    this.writeSealed(write);
    this.releasedBlocks += this.sealed.length;
    this.sealed.length = 0;
    this.sealedBytes = 0;
  }

  /** What writeBlocks would hand out after the blocks already drained or released: the held sealed blocks, then the open block and its hash. */
  writeHeld(write: (chunk: Uint8Array) => void): void {
    this.writeSealed(write);
    if (this.blockCount > 0) {
      write(this.block.subarray(HASH_BYTES, this.blockUsed));
      write(this.head());
    }
  }

  private writeSealed(write: (chunk: Uint8Array) => void): void {
    let run: Uint8Array | null = null;
    for (const b of this.sealed) {
      if (run !== null && run.buffer === b.buffer && run.byteOffset + run.length === b.byteOffset) {
        run = new Uint8Array(run.buffer, run.byteOffset, run.length + b.length);
        continue;
      }
      if (run !== null) write(run);
      run = b;
    }
    if (run !== null) write(run);
  }

  /**
   * Drops the sealed blocks whose entries all come before `before` (a reader
   * such as the service's audit store has them): a live chain that is
   * streamed out then holds only what is not streamed yet. The chain and its
   * head are unchanged; visitEntries can no longer start before the first
   * block still held, and writeBlocks() refuses. Returns the first entry
   * index still held.
   */
  release(before: number): number {
    const drop = Math.min(Math.floor(Math.max(0, before) / this.blockEntries) - this.releasedBlocks, this.sealed.length);
    if (drop > 0) {
      for (let k = 0; k < drop; k++) this.sealedBytes -= this.sealed[k].length;
      this.sealed.splice(0, drop);
      this.releasedBlocks += drop;
    }
    return this.releasedBlocks * this.blockEntries;
  }

  /**
   * Calls visit(entry, index) for the encoded bytes of each entry from
   * `from` (0 ≤ from ≤ count) to the last, in order: what a reader that
   * already has the first `from` entries still needs. `entry` is a view,
   * valid during the call only.
   */
  visitEntries(from: number, visit: (entry: Uint8Array, index: number) => void): void {
    const held = this.releasedBlocks * this.blockEntries;
    if (!(Number.isInteger(from) && from >= held && from <= this.entries)) {
      throw new RangeError(`AuditLog.visitEntries: from=${from} must be an integer in ${held}..${this.entries} (entries before ${held} are no longer held)`);
    }
    let index = Math.floor(from / this.blockEntries) * this.blockEntries;
    const walk = (bytes: Uint8Array, end: number): void => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let p = 0;
      while (p < end) {
        const len = view.getUint32(p, true);
        if (index >= from) visit(bytes.subarray(p + FRAME_PREFIX_BYTES, p + FRAME_PREFIX_BYTES + len), index);
        index++;
        p += FRAME_PREFIX_BYTES + len;
      }
    };
    for (let b = Math.floor(from / this.blockEntries) - this.releasedBlocks; b < this.sealed.length; b++) {
      const block = this.sealed[b];
      walk(block, block.length - HASH_BYTES);
    }
    walk(this.block.subarray(HASH_BYTES, this.blockUsed), this.blockUsed - HASH_BYTES);
  }
}
