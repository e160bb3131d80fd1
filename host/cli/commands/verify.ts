/**
 * `ringfence verify <module.wasm> [--json]`: the admission check, on its own.
 *
 * Exit 0 admitted, 1 rejected or unreadable, 2 usage. Text mode prints
 * `admitted <codeId>` and `note: ...` lines on stdout, or one `code: message`
 * line per reason on stderr. --json prints one object on stdout:
 * {"admitted", "codeId", "reasons": [{"code", "message"}], "notes"}. A file
 * that cannot be read (missing, a directory, over maxModuleBytes) is one
 * `ringfence: ...` line on stderr and exit 1 in both modes.
 */
import { onePositional, parseCommandArgs } from "../args.ts";
import { readInputFile } from "../files.ts";
import { DEFAULT_ADMISSION_LIMITS } from "../../admission/limits.ts";
import { verifyModule } from "../../admission/verify.ts";

const COMMAND = "verify";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(COMMAND, argv, { json: { type: "boolean" } });
  const path = onePositional(COMMAND, positionals, "module.wasm");
  const limits = DEFAULT_ADMISSION_LIMITS;
  // The size limit is applied before reading, so a huge file is never loaded.
  const bytes = readInputFile(path, "module", limits.maxModuleBytes);
  const result = verifyModule(bytes, limits);

  if (values.json) {
    const { admitted, codeId, reasons, notes } = result;
    process.stdout.write(JSON.stringify({ admitted, codeId, reasons, notes }) + "\n");
  } else if (result.admitted) {
    const lines = [`admitted ${result.codeId}`, ...result.notes.map((n) => `note: ${n}`)];
    process.stdout.write(lines.join("\n") + "\n");
  } else {
    process.stderr.write(result.reasons.map((r) => `${r.code}: ${r.message}`).join("\n") + "\n");
  }
  return result.admitted ? 0 : 1;
}
