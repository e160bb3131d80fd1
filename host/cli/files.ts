import { readFileSync, statSync } from "node:fs";
import { InputError } from "./errors.ts";

/**
 * Reads a whole input file with one-line errors for the usual ways it goes
 * wrong: missing, a directory, unreadable, over maxBytes (checked before
 * reading, so a huge file is never loaded).
 */
export function readInputFile(path: string, what: string, maxBytes: number): Uint8Array {
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
  if (size > maxBytes) throw new InputError(`${what} '${path}' is ${size} bytes, over the ${maxBytes}-byte limit`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new InputError(`${what} '${path}' cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
