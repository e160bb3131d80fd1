import { readFileSync, statSync } from "node:fs";
import { outputProblem, sameFile } from "../feed/sinks.ts";
import { InputError } from "./errors.ts";

/**
 * Reads a whole input file with one-line errors for the usual ways it goes
 * wrong: missing, a directory, unreadable, over maxBytes (checked before
 * reading, so a huge file is never loaded).
 */
export function readInputFile(path: string, what: string, maxBytes: number): Uint8Array {
  const size = inputFileSize(path, what);
  if (size > maxBytes) throw new InputError(`${what} '${path}' is ${size} bytes, over the ${maxBytes}-byte limit`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new InputError(`${what} '${path}' cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** The size of an input file that is there and regular (for a reader that streams it), with readInputFile's one-line errors. */
export function inputFileSize(path: string, what: string): number {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new InputError(`${what} '${path}' is a directory, expected a file`);
    if (!st.isFile()) throw new InputError(`${what} '${path}' is not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${what} '${path}' does not exist`);
    throw new InputError(`${what} '${path}' cannot be read (${code ?? "error"})`);
  }
  return size;
}

/**
 * Refuses, before any work, outputs that would replace an input or each
 * other (`backtest --audit feed.rfr`, `instrument m.wasm -o m.wasm`): the
 * run would succeed and the input be gone. Also outputs that are not
 * regular files (outputProblem), which would be refused only at the end. Entries are [flag, path]; unset
 * paths are skipped.
 */
export function refuseOverwrites(command: string, outputs: readonly (readonly [string, string | undefined])[], inputs: readonly (readonly [string, string | undefined])[]): void {
  const outs = outputs.filter((o): o is readonly [string, string] => o[1] !== undefined);
  for (let i = 0; i < outs.length; i++) {
    // A FIFO, device or symlink is never written (sinks.ts), so say so before the work, not after it.
    const problem = outputProblem(outs[i][1]);
    if (problem !== null) throw new InputError(`${command}: ${outs[i][0]} '${outs[i][1]}': cannot write: ${problem}`);
    for (const [what, path] of inputs) {
      if (path !== undefined && sameFile(path, outs[i][1])) throw new InputError(`${command}: ${outs[i][0]} '${outs[i][1]}' is the ${what}; choose another output file`);
    }
    for (let j = 0; j < i; j++) {
      if (sameFile(outs[j][1], outs[i][1])) throw new InputError(`${command}: ${outs[j][0]} and ${outs[i][0]} name the same file '${outs[i][1]}'`);
    }
  }
}
