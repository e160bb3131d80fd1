/**
 * The audit file layout: the only place it is written down. Entry bytes
 * themselves are described in auditEncoding.ts. Little-endian.
 *
 *   file   = magic "RFAUDIT1" (8) | formatVersion u32 | chainCount u32 | chain x chainCount   (then end of file)
 *
 * Format 2 (what the runtime writes): entries are hashed in blocks.
 *
 *   chain  = labelLength u32 | label UTF-8 | entryCount u32 | blockEntries u32 | block x ceil(entryCount / blockEntries) | headHash (32)
 *   block  = frame x blockEntries (the last block: the rest, 1..blockEntries) | blockHash (32)
 *   frame  = entryLength u32 | entry (entryLength bytes)
 *
 *   genesis      = sha256("ringfence-audit-v2\n" || blockEntries u32 || label bytes)
 *   blockHash_j  = sha256(blockHash_{j-1} || the frames of block j, as stored)     (blockHash_{-1} = genesis)
 *   headHash     = the last blockHash, or genesis for an empty chain
 *
 * Format 1 (still read; the upload service's LMDB chains, appended one
 * entry per transaction, still write it): one hash per entry.
 *
 *   chain  = labelLength u32 | label UTF-8 | entryCount u32 | frame x entryCount | headHash (32)
 *   frame  = entryLength u32 | entry (entryLength bytes) | entryHash (32)
 *
 *   genesis      = sha256("ringfence-audit-v1\n" || label bytes)
 *   entryHash_i  = sha256(entryHash_{i-1} || entry_i)        (entryHash_{-1} = genesis)
 *   headHash     = entryHash_{n-1}, or genesis for an empty chain
 *
 * Why blocks: on Node 20 one `crypto.hash` call costs ~0.2 µs before it
 * hashes a byte, more than SHA-256 of a whole entry, and the runtime
 * appends one entry per host call. A block of 64 entries is one call over
 * ~10 KB. Every entry is still covered by a hash before the file exists;
 * a verifier names the block (entries i..j) whose hash breaks, and the
 * exact entry for anything the entry's own bytes show (framing, sequence
 * number, encoding).
 *
 * A chain proves nothing against someone who rewrites the whole file and
 * recomputes every hash: compare the head with one kept elsewhere (the
 * backtest report prints it). The stored head also covers an empty chain's
 * label.
 */
export const AUDIT_MAGIC = "RFAUDIT1";
export const AUDIT_MAGIC_BYTES = 8;
/** The format this build writes. */
export const AUDIT_FORMAT_VERSION = 2;
/** The per-entry format, still read (and written by the service's stored chains). */
export const AUDIT_FORMAT_V1 = 1;
/** magic + formatVersion + chainCount. */
export const AUDIT_FILE_HEADER_BYTES = AUDIT_MAGIC_BYTES + 4 + 4;
export const AUDIT_GENESIS_PREFIX = "ringfence-audit-v2\n";
export const AUDIT_GENESIS_PREFIX_V1 = "ringfence-audit-v1\n";
export const HASH_BYTES = 32;
/** entryLength prefix of a frame. */
export const FRAME_PREFIX_BYTES = 4;
/** Format 1: entryLength prefix + trailing hash around each entry. */
export const V1_FRAME_OVERHEAD_BYTES = FRAME_PREFIX_BYTES + HASH_BYTES;
/** Entries per block in the chains this build writes. */
export const AUDIT_BLOCK_ENTRIES = 64;
/** Largest blockEntries a file may declare (a corrupt value cannot make the verifier buffer much). */
export const MAX_BLOCK_ENTRIES = 4096;
/** Longest chain label, so a corrupt length cannot make the verifier read far. */
export const MAX_LABEL_BYTES = 1024;
/** Longest single entry (a log line is at most 512 bytes; this leaves room). */
export const MAX_ENTRY_BYTES = 1 << 20;
