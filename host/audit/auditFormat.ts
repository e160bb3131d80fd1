/**
 * The audit file layout: the only place it is written down. Entry bytes
 * themselves are described in auditEncoding.ts. Little-endian.
 *
 *   file   = magic "RFAUDIT1" (8) | formatVersion u32 | chainCount u32 | chain x chainCount   (then end of file)
 *   chain  = labelLength u32 | label UTF-8 | entryCount u32 | frame x entryCount | headHash (32)
 *   frame  = entryLength u32 | entry (entryLength bytes) | entryHash (32)
 *
 * Hashes (SHA-256):
 *   genesis      = sha256("ringfence-audit-v1\n" || label bytes)
 *   entryHash_i  = sha256(entryHash_{i-1} || entry_i)        (entryHash_{-1} = genesis)
 *   headHash     = entryHash_{n-1}, or genesis for an empty chain
 *
 * Storing every entry's hash lets a verifier name the exact entry where the
 * chain first breaks; the stored head covers changes to an empty chain's
 * label. A chain proves nothing against someone who rewrites the whole file
 * and recomputes every hash: compare the head with one kept elsewhere (the
 * backtest report prints it).
 */
export const AUDIT_MAGIC = "RFAUDIT1";
export const AUDIT_MAGIC_BYTES = 8;
export const AUDIT_FORMAT_VERSION = 1;
/** magic + formatVersion + chainCount. */
export const AUDIT_FILE_HEADER_BYTES = AUDIT_MAGIC_BYTES + 4 + 4;
export const AUDIT_GENESIS_PREFIX = "ringfence-audit-v1\n";
export const HASH_BYTES = 32;
/** entryLength prefix + trailing hash around each entry. */
export const FRAME_OVERHEAD_BYTES = 4 + HASH_BYTES;
/** Longest chain label, so a corrupt length cannot make the verifier read far. */
export const MAX_LABEL_BYTES = 1024;
/** Longest single entry (a log line is at most 512 bytes; this leaves room). */
export const MAX_ENTRY_BYTES = 1 << 20;
