/**
 * Compiles an AssemblyScript strategy into a guest ABI v1 module, in process,
 * with the flags of asconfig.json (ascOptions.ts) and a file system that
 * can only see the strategy's own directory and the SDK (sourceReader.ts).
 *
 * Deterministic: the same sources and asconfig.json give the same bytes on
 * every machine (virtual paths, no timestamps, single-threaded Binaryen).
 * A compile error or an ABI violation is a CompileError whose message is
 * one line; `diagnostics` carries the full list.
 */
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { existsSync, statSync } from "node:fs";
import type { APIOptions, DiagnosticMessage } from "assemblyscript/asc";
import { errorLine, foldLines, printable, quoted } from "../text/printable.ts";
import { checkGuestAbi } from "./abiCheck.ts";
import { ascArgv, DEFAULT_ASC_TARGET, loadAscConfig, VIRTUAL_OUT_FILE, type AscTarget } from "./ascOptions.ts";
import { CompileError } from "./compileError.ts";
import { createSourceReader, STRATEGY_VIRTUAL_DIR, type SourceReader, type SourceRoots } from "./sourceReader.ts";

export { CompileError } from "./compileError.ts";

export interface CompileOptions {
  /** asconfig.json target; "audit" uses the never-freeing stub runtime (allocation tests). Default "release". */
  readonly target?: AscTarget;
  /** Project root holding asconfig.json and assembly/; found from this module's location by default. */
  readonly root?: string;
}

export interface CompileResult {
  readonly wasm: Uint8Array<ArrayBuffer>;
  /** Warnings and infos, formatted like errors ("file:line:col: warning AS…: …"). */
  readonly diagnostics: string[];
}

/** Names a strategy may have: the entry file's base name, or an upload's name. */
const STRATEGY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
/** How much of a refused name the message quotes (the quotes included). */
const MAX_SHOWN_NAME_CHARS = 82;
/**
 * Longest diagnostic message: long enough for the types a real error
 * names, short enough that an identifier of a megabyte is not repeated
 * into every diagnostic.
 */
const MAX_DIAGNOSTIC_CHARS = 1000;

// DiagnosticCategory in asc: 0 pedantic, 1 info, 2 warning, 3 error.
const CATEGORY_NAMES = ["pedantic", "info", "warning", "error"] as const;
const CATEGORY_ERROR = 3;

/** Compiles the strategy whose entry file is `entryPath`; its directory is the strategy's source root. */
export async function compileStrategy(entryPath: string, options: CompileOptions = {}): Promise<CompileResult> {
  const full = resolve(entryPath);
  const file = basename(full);
  if (!file.endsWith(".ts") || !STRATEGY_NAME.test(file.slice(0, -3))) {
    throw new CompileError(`${printable(entryPath)}: a strategy entry must be a .ts file named with letters, digits, '_' or '-'`, []);
  }
  if (!existsSync(full) || !statSync(full).isFile()) {
    throw new CompileError(`${printable(entryPath)}: no such file`, []);
  }
  const config = loadAscConfig(options.root);
  return compileVirtual(`${STRATEGY_VIRTUAL_DIR}/${file}`, {
    sdkDir: config.sdkDir, configText: config.configText, strategyDir: dirname(full),
  }, options);
}

/**
 * Compiles one uploaded source file against the SDK; it may import only
 * "ringfence" (no other files exist for it). `name` (1..64 of letters,
 * digits, '_' and '-') names the file in diagnostics and abort messages.
 * Reads nothing from disk but the SDK and asconfig.json.
 */
export async function compileStrategySource(source: string, name: string, options: CompileOptions = {}): Promise<CompileResult> {
  if (!STRATEGY_NAME.test(name)) {
    throw new CompileError(`strategy name ${quoted(name, "'", MAX_SHOWN_NAME_CHARS)} must be 1..64 letters, digits, '_' or '-', starting with a letter, digit or '_'`, []);
  }
  const config = loadAscConfig(options.root);
  const entry = `${STRATEGY_VIRTUAL_DIR}/${name}.ts`;
  return compileVirtual(entry, {
    sdkDir: config.sdkDir, configText: config.configText, strategySources: new Map([[entry, source]]),
  }, options);
}

// asc keeps per-run state in module-level variables of its bundle; one
// compile at a time per thread keeps runs from seeing each other's.
let queue: Promise<unknown> = Promise.resolve();

function compileVirtual(entry: string, roots: SourceRoots, options: CompileOptions): Promise<CompileResult> {
  const run = queue.then(() => runAsc(entry, roots, options.target ?? DEFAULT_ASC_TARGET));
  queue = run.catch(() => undefined);
  return run;
}

async function runAsc(entry: string, roots: SourceRoots, target: AscTarget): Promise<CompileResult> {
  const { default: asc } = await import("assemblyscript/asc");
  const reader = createSourceReader(roots);
  const errors: string[] = [];
  const others: string[] = [];
  let wasm: Uint8Array | undefined;

  const api: APIOptions = {
    readFile: (name) => reader.read(name),
    writeFile: (name, contents) => {
      if (name === VIRTUAL_OUT_FILE && contents instanceof Uint8Array) wasm = contents;
    },
    listFiles: () => [],
    // Diagnostics arrive structured below; the rendered copies are not needed.
    stdout: nullStream,
    stderr: nullStream,
    reportDiagnostic: (d) => (d.category === CATEGORY_ERROR ? errors : others).push(
      isMissingAbortTarget(d) ? NO_SDK_MESSAGE : formatDiagnostic(d, reader),
    ),
  };

  let failure: Error | null;
  try {
    ({ error: failure } = await asc.main(ascArgv(entry, target), api));
  } catch (e) {
    failure = e as Error;
  }
  if (errors.length > 0 || failure !== null || wasm === undefined) {
    const all = [...errors, ...others];
    if (errors.length === 0) all.unshift(`error: ${failure === null ? "the compiler produced no output" : errorLine(failure)}`);
    throw new CompileError(summarize(errors.length > 0 ? errors : all, reader), all);
  }

  const problems = checkGuestAbi(wasm);
  if (problems.length > 0) {
    const display = reader.served.get(entry)?.displayPath ?? entry;
    const all = problems.map((p) => `${displayPath(display)}: error: ${p}`);
    throw new CompileError(summarize(all, reader), [...all, ...others]);
  }
  // A private copy: asc's buffer may be a view into a larger one.
  return { wasm: new Uint8Array(wasm), diagnostics: others };
}

const nullStream = { write(): void {} };

// asconfig.json aliases `abort` to the SDK's ringfenceAbort; a strategy that
// never imports the SDK leaves the alias dangling (AS111 on that name).
const NO_SDK_MESSAGE = 'error: the strategy does not use the SDK: add `export * from "ringfence/exports";` to its entry file';

function isMissingAbortTarget(d: DiagnosticMessage): boolean {
  return d.code === 111 && d.message.includes("ringfence/abort/ringfenceAbort");
}

function summarize(errors: readonly string[], reader: SourceReader): string {
  let line = errors[0];
  if (reader.refused.length > 0 && /TS6054/.test(errors[0])) {
    line += " (strategies may import only files in their own directory and \"ringfence\")";
  }
  if (errors.length > 1) line += ` (and ${errors.length - 1} more)`;
  return line;
}

function formatDiagnostic(d: DiagnosticMessage, reader: SourceReader): string {
  const category = CATEGORY_NAMES[d.category] ?? "error";
  const code = `${d.code < 1000 ? "AS" : "TS"}${d.code}`;
  const message = foldLines(d.message, MAX_DIAGNOSTIC_CHARS).replaceAll("~lib/ringfence", "ringfence");
  const where = d.range === null ? "" : `${locate(d.range.source.normalizedPath, d.range.start, reader)}: `;
  return `${where}${category} ${code}: ${message}`;
}

/** "path:line:col" for an offset in a served file; "path" alone for asc's own library. */
function locate(normalizedPath: string, offset: number, reader: SourceReader): string {
  const file = reader.served.get(normalizedPath);
  if (file === undefined) return printable(normalizedPath);
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, file.text.length);
  for (let i = 0; i < end; i++) {
    if (file.text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return `${displayPath(file.displayPath)}:${line}:${end - lineStart + 1}`;
}

/** A real path relative to the working directory when inside it, made printable (a file name may hold any character). */
function displayPath(p: string): string {
  if (!isAbsolute(p)) return printable(p);
  const rel = relative(process.cwd(), p);
  return printable(rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : p);
}
