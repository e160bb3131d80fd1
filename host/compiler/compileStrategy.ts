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
import { CompilerCrash, DEFAULT_MAX_COMPILER_MEMORY_MB, runContained } from "./ascContainment.ts";
import { ascArgv, DEFAULT_ASC_TARGET, loadAscConfig, VIRTUAL_OUT_FILE, type AscTarget } from "./ascOptions.ts";
import { CompileError } from "./compileError.ts";
import { createSourceReader, MAX_SOURCE_BYTES, STRATEGY_VIRTUAL_DIR, tooLargeReason, type SourceReader, type SourceRoots } from "./sourceReader.ts";

export { CompileError } from "./compileError.ts";
export { DEFAULT_MAX_COMPILER_MEMORY_MB } from "./ascContainment.ts";

export interface CompileOptions {
  /** asconfig.json target; "audit" uses the never-freeing stub runtime (allocation tests). Default "release". */
  readonly target?: AscTarget;
  /** Project root holding asconfig.json and assembly/; found from this module's location by default. */
  readonly root?: string;
  /**
   * How far the compiler's Binaryen memory (outside V8's heap limits) may
   * grow during this compile, MiB; past it the compile stops with a
   * CompileError whose `limit` is "memory". Default DEFAULT_MAX_COMPILER_MEMORY_MB.
   */
  readonly maxCompilerMemoryMb?: number;
}

export interface CompileResult {
  readonly wasm: Uint8Array<ArrayBuffer>;
  /** Warnings and infos, formatted like errors ("file:line:col: warning AS…: …"). */
  readonly diagnostics: string[];
}

/** Names a strategy may have: the entry file's base name, or an upload's name. */
const STRATEGY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

/** 1..64 of letters, digits, '_' and '-', not starting with '-': what an entry file or upload may be named. */
export function isStrategyName(name: string): boolean {
  return STRATEGY_NAME.test(name);
}

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
/** TS6054: "File '…' not found." */
const FILE_NOT_FOUND = 6054;

/** Compiles the strategy whose entry file is `entryPath`; its directory is the strategy's source root. */
export async function compileStrategy(entryPath: string, options: CompileOptions = {}): Promise<CompileResult> {
  const full = resolve(entryPath);
  const file = basename(full);
  if (!file.endsWith(".ts") || !STRATEGY_NAME.test(file.slice(0, -3))) {
    throw new CompileError(`${printable(entryPath)}: a strategy entry must be a .ts file named with letters, digits, '_' or '-'`, []);
  }
  if (!existsSync(full)) throw new CompileError(`${printable(entryPath)}: no such file`, []);
  const st = statSync(full);
  if (!st.isFile()) throw new CompileError(`${printable(entryPath)}: not a regular file`, []);
  if (st.size > MAX_SOURCE_BYTES) throw new CompileError(`${printable(entryPath)}: ${tooLargeReason(st.size)}`, []);
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
  // The same cap as a file on disk: asc's cost grows with the source (a 1 MiB one takes seconds).
  const bytes = Buffer.byteLength(source, "utf8");
  if (bytes > MAX_SOURCE_BYTES) throw new CompileError(`<upload>/${name}.ts: ${tooLargeReason(bytes)}`, []);
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
  const maxMb = options.maxCompilerMemoryMb ?? DEFAULT_MAX_COMPILER_MEMORY_MB;
  if (!Number.isInteger(maxMb) || maxMb < 1) throw new RangeError(`maxCompilerMemoryMb=${maxMb} must be a positive integer`);
  const run = queue.then(() => runAsc(entry, roots, options.target ?? DEFAULT_ASC_TARGET, maxMb));
  queue = run.catch(() => undefined);
  return run;
}

async function runAsc(entry: string, roots: SourceRoots, target: AscTarget, maxCompilerMemoryMb: number): Promise<CompileResult> {
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

  let failure: unknown;
  try {
    ({ error: failure } = await runContained(maxCompilerMemoryMb * 2 ** 20, () => asc.main(ascArgv(entry, target), api)));
  } catch (e) {
    failure = e;
  }
  if (failure instanceof CompilerCrash && failure.memoryCapHit) {
    const line = `error: the compile needed more than ${maxCompilerMemoryMb} MiB of compiler memory and was stopped `
      + "(a very large function, a long chain of @inline calls or big static data?)";
    throw new CompileError(line, [line, ...errors, ...others], "memory");
  }
  if (errors.length > 0 || failure !== null || wasm === undefined) {
    const all = [...errors, ...others];
    if (errors.length === 0) all.unshift(`error: ${failure === null ? "the compiler produced no output" : failureLine(failure)}`);
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

/** What asc threw or crashed with, as the rest of an "error: " line. */
function failureLine(failure: unknown): string {
  const crash = failure instanceof CompilerCrash ? failure : null;
  const text = crash !== null ? crash.detail ?? "" : errorLine(failure);
  if (!/Maximum call stack size exceeded/.test(text)) return crash !== null ? errorLine(crash.message) : text;
  // Parsing and compiling recurse over the syntax tree; Binaryen's passes over one function's code.
  return crash === null || crash.stage === "compile" || crash.stage === "initialize"
    ? "the source is nested too deeply for the compiler (an expression, block or generic type thousands of levels deep?): split it up"
    : `the compiler ran out of stack during ${crash.stage} (a very large function?): split it into smaller ones`;
}

// asconfig.json aliases `abort` to the SDK's ringfenceAbort; a strategy that
// never imports the SDK leaves the alias dangling (AS111 on that name).
const NO_SDK_MESSAGE = 'error: the strategy does not use the SDK: add `export * from "ringfence/exports";` to its entry file';

function isMissingAbortTarget(d: DiagnosticMessage): boolean {
  return d.code === 111 && d.message.includes("ringfence/abort/ringfenceAbort");
}

function summarize(errors: readonly string[], reader: SourceReader): string {
  let line = errors[0];
  const explained = [...reader.refusedWhy.values()].some((why) => line.includes(why));
  if (reader.refused.length > 0 && /TS6054/.test(line) && !explained) {
    line += " (strategies may import only files in their own directory and \"ringfence\")";
  }
  if (errors.length > 1) line += ` (and ${errors.length - 1} more)`;
  return line;
}

function formatDiagnostic(d: DiagnosticMessage, reader: SourceReader): string {
  const category = CATEGORY_NAMES[d.category] ?? "error";
  const code = `${d.code < 1000 ? "AS" : "TS"}${d.code}`;
  let message = foldLines(d.message, MAX_DIAGNOSTIC_CHARS).replaceAll("~lib/ringfence", "ringfence");
  if (d.code === FILE_NOT_FOUND) {
    // asc names the file by its virtual path ("File 'strategy/lib/big.ts' not found."): say why when it is there.
    for (const [path, why] of reader.refusedWhy) {
      if (message.includes(`'${path}'`)) { message = message.replace(/ not found\.$/, ` cannot be imported: ${why}.`); break; }
    }
  }
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
