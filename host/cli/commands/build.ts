/**
 * `ringfence build <strategy.ts> [-o out.wasm]`: compiles an AssemblyScript
 * strategy with the SDK and the fixed flags of asconfig.json.
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
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseCommandArgs, onePositional } from "../args.ts";
import { InputError, UsageError } from "../errors.ts";
import { CompileError, compileStrategy, isStrategyName } from "../../compiler/compileStrategy.ts";
import { printable } from "../../text/printable.ts";

const COMMAND = "build";

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
  });
  const entry = onePositional(COMMAND, positionals, "strategy source file (.ts)");
  if (!entry.endsWith(".ts")) throw new UsageError(`${COMMAND}: expected an AssemblyScript .ts file, got '${printable(entry)}'`);
  const out = values.out !== undefined ? resolve(values.out) : defaultOutputPath(entry);
  if (!out.endsWith(".wasm")) throw new UsageError(`${COMMAND}: --out must end in .wasm, got '${printable(values.out ?? out)}'`);

  let wasm: Uint8Array;
  try {
    const result = await compileStrategy(entry);
    for (const d of result.diagnostics) process.stderr.write(d + "\n");
    wasm = result.wasm;
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    for (const d of e.diagnostics) process.stderr.write(d + "\n");
    throw new InputError(`build failed: ${e.summary}`);
  }

  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, wasm);
  } catch (e) {
    throw new InputError(`cannot write '${displayPath(out)}' (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const sha256 = createHash("sha256").update(wasm).digest("hex");
  process.stdout.write(`${displayPath(out)} ${wasm.length} bytes sha256:${sha256}\n`);
  return 0;
}

function displayPath(p: string): string {
  const cwd = process.cwd();
  return printable(p.startsWith(cwd + "/") ? p.slice(cwd.length + 1) : p);
}
