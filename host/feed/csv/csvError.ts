import { InputError } from "../../cli/errors.ts";

/**
 * A CSV file that cannot be imported. The message is one line naming the
 * file and, for a bad row, its line: `data.csv:12: price '1,5' is not a
 * decimal number`. Extends InputError so the CLI prints `ringfence: <message>`
 * and exits 1.
 */
export class CsvError extends InputError {}

/** `FILE:LINE: what` */
export function lineError(path: string, line: number, what: string): CsvError {
  return new CsvError(`${path}:${line}: ${what}`);
}
