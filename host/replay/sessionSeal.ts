/**
 * A session's seal: `SESSION/SHA256SUMS` lists the SHA-256 of every other
 * file in the session, in the format `sha256sum` writes and `sha256sum -c`
 * checks (`<64 hex>  <path>`, one line per file, sorted by path), and the
 * session's **digest** is the SHA-256 of that file — what `sha256sum
 * SESSION/SHA256SUMS` prints.
 *
 * `run --record` prints the digest when it writes the session. Any change
 * to any byte of the session (a label in session.json, a risk limit that was
 * never hit, an audit entry) no longer matches the list, and a list that is
 * rewritten to match no longer has the digest that was printed: replay
 * checks the first always and the second when given the printed digest
 * (`replay --expect-digest`). The digest is the anchor, as a chain head is:
 * keep it where the session's author cannot rewrite it.
 *
 * A session written before seals existed has no list; it is read as it
 * always was (replay says it is unsealed).
 */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, lstatSync, readSync, readdirSync, writeFileSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { InputError } from "../cli/errors.ts";
import { openInput } from "../feed/sources.ts";

export const SEAL_FILE = "SHA256SUMS";
/** A sealed session lists at most this many files (its modules and each instance's captures). */
const MAX_SEALED_FILES = 100_000;
const MAX_SEAL_BYTES = MAX_SEALED_FILES * 128;
/** What a session may name: the file names writeSession makes. */
const SEALED_PATH = /^[A-Za-z0-9_.-]{1,128}(\/[A-Za-z0-9_.-]{1,128})?$/;
const SEAL_LINE = /^([0-9a-f]{64})  (.+)$/;
const CHUNK = 1 << 20;

export interface SealedFile {
  readonly path: string;
  readonly sha256: string;
}

/** SHA-256 of a regular file, read in 1 MiB chunks (a capture can be gigabytes). */
export function fileSha256(path: string): string {
  const fd = openInput(path);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file`);
    const hash = createHash("sha256");
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let n; (n = readSync(fd, buf, 0, CHUNK, null)) > 0;) hash.update(buf.subarray(0, n));
    return hash.digest("hex");
  } finally {
    closeSync(fd);
  }
}

/** Every file under `dir` but the seal, as session-relative paths in seal order; anything else there is named. */
function sessionFiles(dir: string, fail: (what: string) => never): string[] {
  const out: string[] = [];
  const visit = (rel: string, depth: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      fail(`${rel || "the session directory"} cannot be listed`);
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && depth === 0) visit(path, 1);
      else if (e.isFile()) {
        if (path !== SEAL_FILE) out.push(path);
      } else fail(`${path} is not a regular file`);
    }
  };
  visit("", 0);
  return out.sort(byPath);
}

function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The seal's text for these files (sha256sum's format, sorted by path). */
export function sealText(files: readonly SealedFile[]): string {
  return [...files].sort((a, b) => byPath(a.path, b.path)).map((f) => `${f.sha256}  ${f.path}\n`).join("");
}

/** Hashes every file of a session being written, writes SHA256SUMS, and returns the session's digest. */
export function sealSession(dir: string): string {
  const files = sessionFiles(dir, (what) => {
    throw new Error(`cannot seal session: ${what}`);
  }).map((path) => ({ path, sha256: fileSha256(join(dir, path)) }));
  const text = sealText(files);
  writeFileSync(join(dir, SEAL_FILE), text);
  return createHash("sha256").update(text).digest("hex");
}

/** Parses a seal; null and the reason when it is not one writeSession could have written. */
export function parseSeal(text: string): { files: SealedFile[] } | { problem: string } {
  if (text.length === 0) return { problem: "it lists no file" };
  if (!text.endsWith("\n")) return { problem: "its last line is not terminated" };
  const files: SealedFile[] = [];
  const lines = text.slice(0, -1).split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = SEAL_LINE.exec(lines[i]);
    if (!m) return { problem: `line ${i + 1} is not '<sha256>  <path>'` };
    const path = m[2];
    if (!SEALED_PATH.test(path) || path.split("/").some((p) => p === "." || p === "..") || path === SEAL_FILE) {
      return { problem: `line ${i + 1} names a path no session has` };
    }
    if (i > 0 && byPath(files[i - 1].path, path) >= 0) return { problem: `line ${i + 1}: paths are not sorted and unique` };
    files.push({ path, sha256: m[1] });
  }
  return { files };
}

/**
 * Checks a session against its seal: the same files, each with its listed
 * SHA-256. Returns the session's digest, or null when it has no seal (a
 * session written before seals). Every problem is one line naming the file.
 */
export function checkSessionSeal(dir: string): string | null {
  const fail = (what: string): never => {
    throw new InputError(`session '${dir}': ${what}`);
  };
  const sealPath = join(dir, SEAL_FILE);
  let st;
  try {
    st = lstatSync(sealPath);
  } catch {
    return null;
  }
  if (!st.isFile()) fail(`${SEAL_FILE} is not a regular file`);
  if (st.size > MAX_SEAL_BYTES) fail(`${SEAL_FILE} is ${st.size} bytes, more than any session's list of files`);
  let bytes: Buffer;
  try {
    const fd = openInput(sealPath);
    try {
      bytes = Buffer.alloc(st.size);
      let at = 0;
      for (let n; at < bytes.length && (n = readSync(fd, bytes, at, bytes.length - at, null)) > 0;) at += n;
      if (at !== bytes.length) fail(`${SEAL_FILE} changed while it was read`);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    return fail(`${SEAL_FILE} is unreadable`);
  }
  const text = bytes.toString("latin1");
  const parsed = parseSeal(text);
  if ("problem" in parsed) return fail(`${SEAL_FILE} is malformed: ${parsed.problem}`);
  const listed = new Map(parsed.files.map((f) => [f.path, f.sha256]));
  const present = sessionFiles(dir, fail);
  for (const path of present) if (!listed.has(path)) fail(`${path} is not in ${SEAL_FILE} (added after the session was written)`);
  const here = new Set(present);
  for (const f of parsed.files) {
    if (!here.has(f.path)) fail(`${f.path}, listed in ${SEAL_FILE}, is missing`);
    let actual: string;
    try {
      actual = fileSha256(join(dir, f.path));
    } catch {
      return fail(`${f.path} is unreadable`);
    }
    if (actual !== f.sha256) fail(`${f.path} does not match its SHA-256 in ${SEAL_FILE} (changed after the session was written)`);
  }
  return createHash("sha256").update(bytes).digest("hex");
}
