/**
 * `ringfence instrument <in.wasm> -o <out.wasm> [--stack-budget N] [--max-memory-pages N]`:
 * admission check, then the metering rewrite, written to a file — the exact
 * bytes the sandbox would instantiate (useful to inspect with wasm-dis or to
 * diff two builds).
 *
 * Exit 0 written, 1 unreadable / rejected / not meterable / not writable,
 * 2 usage. Prints one summary line on stdout.
 */
import { writeFileWhole } from "../../feed/sinks.ts";
import { intFlag, onePositional, parseCommandArgs } from "../args.ts";
import { InputError, UsageError } from "../errors.ts";
import { readInputFile, refuseOverwrites } from "../files.ts";
import { admissionLimits } from "../../admission/limits.ts";
import { verifyModule } from "../../admission/verify.ts";
import { instrumentModule, MeteringError } from "../../metering/instrument.ts";
import { DEFAULT_METER_OPTIONS } from "../../metering/meterAbi.ts";

const COMMAND = "instrument";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(COMMAND, argv, {
    out: { type: "string", short: "o" },
    "stack-budget": { type: "string" },
    "max-memory-pages": { type: "string" },
  });
  const input = onePositional(COMMAND, positionals, "input module (in.wasm)");
  const output = values.out;
  if (output === undefined) throw new UsageError(`${COMMAND}: missing -o <out.wasm> (see 'ringfence help')`);
  refuseOverwrites(COMMAND, [["-o", output]], [["input module", input]]);
  const stackBudget = intFlag(COMMAND, "stack-budget", values["stack-budget"], DEFAULT_METER_OPTIONS.stackBudget, 1);
  const maxMemoryPages = intFlag(COMMAND, "max-memory-pages", values["max-memory-pages"], DEFAULT_METER_OPTIONS.maxMemoryPages, 1);
  if (maxMemoryPages > 65536) throw new UsageError(`${COMMAND}: --max-memory-pages must be at most 65536, got '${maxMemoryPages}'`);
  if (stackBudget > 0x3fffffff) throw new UsageError(`${COMMAND}: --stack-budget must be at most ${0x3fffffff}, got '${stackBudget}'`);

  const limits = admissionLimits({ maxMemoryPages });
  const bytes = readInputFile(input, "module", limits.maxModuleBytes);
  const verdict = verifyModule(bytes, limits);
  if (!verdict.admitted) {
    const [first, ...rest] = verdict.reasons;
    const more = rest.length > 0 ? ` (and ${rest.length} more; run 'ringfence verify ${input}')` : "";
    throw new InputError(`${COMMAND}: '${input}' rejected by admission: ${first.code}: ${first.message}${more}`);
  }

  let metered: Uint8Array;
  try {
    metered = instrumentModule(bytes, { stackBudget, maxMemoryPages });
  } catch (e) {
    if (e instanceof MeteringError) throw new InputError(`${COMMAND}: cannot meter '${input}': ${e.message}`);
    throw e;
  }
  try {
    writeFileWhole(output, metered);
  } catch (e) {
    throw new InputError(`${COMMAND}: ${(e as Error).message}`);
  }
  process.stdout.write(`${input}: admitted ${verdict.codeId}, metered ${bytes.length} -> ${metered.length} bytes, written to ${output}\n`);
  return 0;
}
