/**
 * A sanity check of an existing LMDB data file before `lmdb` maps it: the
 * native library trusts the file's meta pages, so a damaged data.mdb
 * crashes the whole process (SIGSEGV/SIGBUS) instead of raising an error.
 *
 * Layout checked (the LMDB bundled with the `lmdb` package, data format 2,
 * 64-bit): pages 0 and 1 are meta pages, each a 24-byte page header
 * { pgno u64, txnid u64, pad u16, flags u16, lower/upper u32 } followed by
 * MDB_meta { magic u32, version u32, address u64, mapsize u64,
 * dbs[2] (48 bytes each: pad u32 — the page size in dbs[0] —, flags u16,
 * depth u16, branch/leaf/overflow pages u64, entries u64, root u64),
 * last_pg u64, txnid u64, boot_id i64 }. Meta writes never touch the magic
 * and version, and the file never shrinks, so on a sound file both metas
 * carry them and every root page they name lies inside the file.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { join } from "node:path";

const MDB_MAGIC = 0xbeefc0de;
const MDB_DATA_VERSION = 2;
const P_META = 0x08;
const PAGE_HEADER = 24;
const FLAGS_AT = 18;
const MAGIC_AT = PAGE_HEADER;
const VERSION_AT = PAGE_HEADER + 4;
const DBS_AT = PAGE_HEADER + 24;
const DB_SIZE = 48;
const DB_ROOT_AT = 40;
const PSIZE_AT = DBS_AT; // mm_dbs[FREE_DBI].md_pad
const META_BYTES = DBS_AT + 2 * DB_SIZE + 24;
const P_INVALID = 0xffff_ffff_ffff_ffffn;
const MIN_PAGE = 256;
const MAX_PAGE = 0x10000;

/**
 * What is wrong with `<dir>/data.mdb` ("has no LMDB magic in meta page 0",
 * ...), or null when it is absent or passes. Reads the file only.
 */
export function dataFileProblem(dir: string): string | null {
  let fd: number;
  try {
    fd = openSync(join(dir, "data.mdb"), "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null; // a new store: lmdb creates it
    return `cannot be read (${code ?? (e as Error).message})`;
  }
  try {
    return checkOpen(fd);
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  } finally {
    closeSync(fd);
  }
}

function checkOpen(fd: number): string | null {
  // Metas first, the size after: a concurrent writer extends the file before it writes a meta naming the new pages.
  const head = Buffer.alloc(META_BYTES);
  const got = readSync(fd, head, 0, META_BYTES, 0);
  if (got === 0) return "is empty (0 bytes)";
  if (got < META_BYTES) return `is truncated (${got} bytes, shorter than its two meta pages)`;
  const meta0 = metaProblem(head, 0);
  if (meta0) return meta0;
  const psize = head.readUInt32LE(PSIZE_AT);
  const meta1Buf = Buffer.alloc(META_BYTES);
  const got1 = readSync(fd, meta1Buf, 0, META_BYTES, psize);
  const size = fstatSync(fd).size;
  if (size < 2 * psize || got1 < META_BYTES) return `is truncated (${size} bytes, shorter than its two ${psize}-byte meta pages)`;
  const meta1 = metaProblem(meta1Buf, 1);
  if (meta1) return meta1;
  if (meta1Buf.readUInt32LE(PSIZE_AT) !== psize) return `has meta pages that disagree on the page size (${psize} and ${meta1Buf.readUInt32LE(PSIZE_AT)})`;
  if (size % psize !== 0) return `is truncated or padded (${size} bytes, not a multiple of its ${psize}-byte page size)`;
  const pages = BigInt(size / psize);
  for (const [page, buf] of [[0, head], [1, meta1Buf]] as const) {
    for (let db = 0; db < 2; db++) {
      const root = buf.readBigUInt64LE(DBS_AT + db * DB_SIZE + DB_ROOT_AT);
      if (root !== P_INVALID && root >= pages) return `is truncated (meta page ${page} names page ${root}, the file has ${pages} pages)`;
    }
  }
  return null;
}

function metaProblem(buf: Buffer, page: 0 | 1): string | null {
  if ((buf.readUInt16LE(FLAGS_AT) & P_META) === 0 || buf.readUInt32LE(MAGIC_AT) !== MDB_MAGIC) return `has no LMDB magic in meta page ${page}`;
  const version = buf.readUInt32LE(VERSION_AT) & 0xffff;
  if (version !== MDB_DATA_VERSION) return `has LMDB data format ${version} in meta page ${page}, not ${MDB_DATA_VERSION}`;
  const psize = buf.readUInt32LE(PSIZE_AT);
  if (psize < MIN_PAGE || psize > MAX_PAGE || (psize & (psize - 1)) !== 0) return `has an invalid page size ${psize} in meta page ${page}`;
  return null;
}
