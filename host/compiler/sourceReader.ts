/**
 * The compiler's virtual file system: the only files asc may read.
 *
 * asc asks for sources by path relative to its base directory. We lay out a
 * virtual tree and map it onto exactly two real roots:
 *
 *   strategy/<file>.ts                  the strategy's own directory (or one uploaded source)
 *   [../]*node_modules/ringfence/<m>.ts the SDK, assembly/<m>.ts (`import … from "ringfence"`)
 *   ringfence.asconfig.json             the checked asconfig.json text
 *
 * Every other path (absolute, `..` escapes, other packages, symlinks leading
 * out of a root, non-.ts files) is refused: asc then reports "file not
 * found" for the import. asc's own standard library is bundled inside asc
 * and never comes through here.
 *
 * The virtual names also make builds independent of where the checkout
 * lives: asc embeds source paths in abort messages, and these never contain
 * the real directory, so the same source gives the same bytes everywhere.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import { join, sep } from "node:path";
import { VIRTUAL_CONFIG_NAME } from "./ascOptions.ts";

/** Virtual directory of the strategy's sources. */
export const STRATEGY_VIRTUAL_DIR = "strategy";
/** Largest source file the compiler reads. */
export const MAX_SOURCE_BYTES = 1 << 20;

const SAFE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const SDK_REQUEST = /^(?:\.\.\/)*node_modules\/ringfence\/(.+)\.ts$/;

export interface SourceRoots {
  /** assembly/ */
  readonly sdkDir: string;
  /** asconfig.json text served as VIRTUAL_CONFIG_NAME. */
  readonly configText: string;
  /** The strategy's directory on disk; omit when compiling an uploaded source. */
  readonly strategyDir?: string;
  /** In-memory strategy files by virtual name ("strategy/x.ts"), used instead of strategyDir. */
  readonly strategySources?: ReadonlyMap<string, string>;
}

export interface ServedFile {
  /** asc's internal name for the file. */
  readonly internalPath: string;
  readonly text: string;
  /** What to show a person: a real path, or "<upload>/name.ts". */
  readonly displayPath: string;
}

export interface SourceReader {
  /** asc's readFile: the text, or null (not found or refused). */
  read(virtualPath: string): string | null;
  /**
   * Files served so far, by the name asc uses for them in diagnostics:
   * "strategy/x.ts", "~lib/ringfence/x.ts" (SDK), or the config's virtual name.
   */
  readonly served: ReadonlyMap<string, ServedFile>;
  /** Requests that named something outside the allowed roots, in request order. */
  readonly refused: readonly string[];
  /**
   * Why a file that exists inside a root was refused, by request: asc can
   * only say "not found", which misleads for a file that is there.
   */
  readonly refusedWhy: ReadonlyMap<string, string>;
}

/** What refusedWhy says about a source file over MAX_SOURCE_BYTES. */
export function tooLargeReason(bytes: number): string {
  return `it is ${bytes} bytes, over the ${MAX_SOURCE_BYTES}-byte limit for a source file`;
}

export function createSourceReader(roots: SourceRoots): SourceReader {
  const served = new Map<string, ServedFile>();
  const byRequest = new Map<string, ServedFile>();
  const refused: string[] = [];
  const refusedWhy = new Map<string, string>();
  const sdkReal = realpathSync(roots.sdkDir);
  const strategyReal = roots.strategyDir === undefined ? undefined : realpathSync(roots.strategyDir);

  function read(virtualPath: string): string | null {
    const hit = byRequest.get(virtualPath);
    if (hit !== undefined) return hit.text;
    const file = resolve(virtualPath);
    if (file === null) return null;
    byRequest.set(virtualPath, file);
    served.set(file.internalPath, file);
    return file.text;
  }

  function resolve(p: string): ServedFile | null {
    if (p === VIRTUAL_CONFIG_NAME) return { internalPath: p, text: roots.configText, displayPath: "asconfig.json" };
    if (p.startsWith(STRATEGY_VIRTUAL_DIR + "/")) {
      const rel = p.slice(STRATEGY_VIRTUAL_DIR.length + 1);
      if (!isSafeRelative(rel) || !rel.endsWith(".ts")) return refuse(p);
      if (roots.strategySources !== undefined) {
        const text = roots.strategySources.get(p);
        return text === undefined ? null : { internalPath: p, text, displayPath: `<upload>/${rel}` };
      }
      if (strategyReal === undefined) return refuse(p);
      return readWithin(strategyReal, rel, p, p);
    }
    const sdk = SDK_REQUEST.exec(p);
    if (sdk !== null) {
      // asc probes nested node_modules first ("node_modules/ringfence/node_modules/…"): a miss, not an attack.
      if (sdk[1].split("/").includes("node_modules")) return null;
      if (!isSafeRelative(sdk[1] + ".ts")) return refuse(p);
      return readWithin(sdkReal, sdk[1] + ".ts", p, `~lib/ringfence/${sdk[1]}.ts`);
    }
    // asc probes node_modules/<pkg> for bare imports of other packages: refused like any other path.
    return refuse(p);
  }

  function refuse(p: string, why?: string): null {
    refused.push(p);
    if (why !== undefined) refusedWhy.set(p, why);
    return null;
  }

  function readWithin(rootReal: string, rel: string, virtualPath: string, internalPath: string): ServedFile | null {
    const candidate = join(rootReal, ...rel.split("/"));
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch {
      return null; // not there: asc tries the next candidate or reports "not found"
    }
    // A symlink inside the root must not lead out of it.
    if (!real.startsWith(rootReal + sep)) return refuse(virtualPath, "it is a symlink that leads out of the directory");
    const text = readBounded(real);
    return typeof text === "string" ? { internalPath, text, displayPath: real } : refuse(virtualPath, text.why);
  }

  return { read, served, refused, refusedWhy };
}

/** A relative path of safe segments: no "..", ".", empty, absolute or backslash parts. */
function isSafeRelative(rel: string): boolean {
  if (rel.length === 0 || rel.length > 512) return false;
  return rel.split("/").every((seg) => SAFE_SEGMENT.test(seg) && seg !== "." && seg !== "..");
}

/** Reads a regular file of at most MAX_SOURCE_BYTES as UTF-8; otherwise why not. */
function readBounded(path: string): string | { why: string } {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    return { why: `it cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { why: "it is not a regular file" };
    if (st.size > MAX_SOURCE_BYTES) return { why: tooLargeReason(st.size) };
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
