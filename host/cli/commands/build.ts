/**
 * `ringfence build <strategy.ts> [-o out.wasm] [--timeout S] [--max-heap MiB]`:
 * compiles an AssemblyScript strategy with the SDK and the fixed flags of
 * asconfig.json.
 *
 * The compile runs in a worker (host/compiler/compileWorker.ts) that is
 * terminated after --timeout seconds (default 30, the service's deadline):
 * asc runs synchronously, so on this thread no timer could stop a source
 * that takes it minutes. Past the deadline: one line, exit 1, nothing
 * written. The worker's V8 heap is capped at --max-heap MiB (default 512,
 * the service's): past it, likewise one line, exit 1, nothing written. The worker runs the same compileStrategy() on the same files,
 * so the bytes are the in-process compile's.
 *
 * Default output: build/<name>.wasm under the current directory, where
 * <name> is the strategy's folder when the entry is the conventional
 * strategy.ts (strategies/momentum/strategy.ts -> build/momentum.wasm) and
 * the file's own base name otherwise (my_algo.ts -> build/my_algo.wasm).
 * Sources stay free of build output, and every strategy lands in one place.
 * A folder whose name is not a strategy name (letters, digits, '_', '-')
 * names no output: the build asks for -o rather than create a file whose
 * name holds spaces, controls or escape sequences.
 *
 * Prints one line: the output path, its size and its SHA-256 (the hash a
 * manifest pins). Warnings go to stderr. A compile error prints every
 * diagnostic to stderr, then the one-line summary, and exits 1. Paths are
 * printed made printable: a directory may be named with any character.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { outputProblem, writeFileWhole } from "../../feed/sinks.ts";
import { basename, dirname, join, resolve } from "node:path";
import { intFlag, parseCommandArgs, onePositional } from "../args.ts";
import { findBuilt } from "../builtPaths.ts";
import { InputError, UsageError } from "../errors.ts";
import { isStrategyName } from "../../compiler/compileStrategy.ts";
import { DEFAULT_COMPILE_HEAP_MB, DEFAULT_COMPILE_TIMEOUT_MS, MAX_COMPILE_TIMEOUT_MS, compileHeapMessage, startCompileWorker } from "../../compiler/compileWorker.ts";
import { printable } from "../../text/printable.ts";

const COMMAND = "build";
const DEFAULT_TIMEOUT_S = DEFAULT_COMPILE_TIMEOUT_MS / 1000;
/** Longest --timeout a Node timer can keep. */
const MAX_TIMEOUT_S = Math.floor(MAX_COMPILE_TIMEOUT_MS / 1000);

/** Default output path for an entry file (see the module comment). */
export function defaultOutputPath(entryPath: string, cwd: string = process.cwd()): string {
  const full = resolve(cwd, entryPath);
  const file = basename(full, ".ts");
  const name = file === "strategy" ? basename(dirname(full)) : file;
  if (!isStrategyName(name)) {
    throw new UsageError(`${COMMAND}: cannot name the output after '${printable(name)}' (not letters, digits, '_' or '-'): give it with -o <out.wasm>`);
  }
  return join(cwd, "build", `${name}.wasm`);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(COMMAND, argv, {
    out: { type: "string", short: "o" },
    timeout: { type: "string" },
    "max-heap": { type: "string" },
  });
  const entry = onePositional(COMMAND, positionals, "strategy source file (.ts)");
  if (!entry.endsWith(".ts")) throw new UsageError(`${COMMAND}: expected an AssemblyScript .ts file, got '${printable(entry)}'`);
  const out = values.out !== undefined ? resolve(values.out) : defaultOutputPath(entry);
  if (!out.endsWith(".wasm")) throw new UsageError(`${COMMAND}: --out must end in .wasm, got '${printable(values.out ?? out)}'`);
  const timeoutS = intFlag(COMMAND, "timeout", values.timeout, DEFAULT_TIMEOUT_S, 1);
  if (timeoutS > MAX_TIMEOUT_S) throw new UsageError(`${COMMAND}: --timeout must be 1..${MAX_TIMEOUT_S} seconds, got ${timeoutS}`);
  const maxHeapMb = intFlag(COMMAND, "max-heap", values["max-heap"], DEFAULT_COMPILE_HEAP_MB, 1);
  // Said before the compile, not after it: a FIFO, device or symlink is never written (sinks.ts).
  const notFile = outputProblem(out);
  if (notFile !== null) throw new InputError(`${COMMAND}: -o '${displayPath(out)}': cannot write: ${notFile}`);

  const script = findBuilt("compile.worker.mjs", "the compile worker");
  const r = await startCompileWorker(script, { kind: "file", entryPath: entry }, { timeoutMs: timeoutS * 1000, maxHeapMb }).result;
  if (!r.ok) {
    for (const d of r.diagnostics) process.stderr.write(d + "\n");
    if ("limit" in r && r.limit === "timeout") {
      throw new InputError(`build failed: the compile took longer than ${timeoutS} s and was stopped (a very large source? raise --timeout)`);
    }
    // The worker's heap (the compiler's own Binaryen memory cap is a CompileError with its own advice).
    if (r.message === compileHeapMessage(maxHeapMb)) {
      throw new InputError(`build failed: ${r.message} (a very large source, or a type or expression nested thousands deep? raise --max-heap)`);
    }
    throw new InputError(`build failed: ${r.message}`);
  }
  for (const d of r.warnings) process.stderr.write(d + "\n");
  const wasm = r.wasm;

  try {
    mkdirSync(dirname(out), { recursive: true });
  } catch (e) {
    throw new InputError(`cannot write '${displayPath(out)}' (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  // Temp file + rename: all of the module under the name, or nothing.
  try {
    writeFileWhole(out, wasm);
  } catch (e) {
    throw new InputError(`${COMMAND}: ${(e as Error).message}`);
  }
  const sha256 = createHash("sha256").update(wasm).digest("hex");
  process.stdout.write(`${displayPath(out)} ${wasm.length} bytes sha256:${sha256}\n`);
  return 0;
}

function displayPath(p: string): string {
  const cwd = process.cwd();
  return printable(p.startsWith(cwd + "/") ? p.slice(cwd.length + 1) : p);
}
