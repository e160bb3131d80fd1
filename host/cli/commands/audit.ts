/**
 * `ringfence audit verify FILE [--json]`: checks every hash chain in an
 * audit file written by `backtest --audit FILE`.
 *   exit 0  every chain holds; one summary line per chain
 *   exit 1  the first broken entry (or block of entries) named in one line (or the file is
 *           missing, a directory, empty, or not an audit file)
 *   exit 2  usage
 */
import { verifyAuditBytes, type AuditBreak } from "../../audit/auditFile.ts";
import { parseCommandArgs, onePositional } from "../args.ts";
import { InputError, UsageError } from "../errors.ts";
import { readInputFile } from "../files.ts";

/** Largest audit file read (the whole file is held in memory to verify it). */
const MAX_AUDIT_FILE_BYTES = 2 ** 31 - 1;

const USAGE = "audit: usage: ringfence audit verify FILE [--json]";

function where(b: AuditBreak): string {
  const chain = `chain #${b.chainIndex} '${b.chain}'`;
  switch (b.part) {
    case "file": return "";
    case "chainHeader": return `${chain} header: `;
    case "entry": return `${chain} entry ${b.index}: `;
    case "block": return `${chain} entries ${b.index}..${b.through}: `;
    case "head": return `${chain} head hash: `;
  }
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "verify") {
    throw new UsageError(sub === undefined ? USAGE : `audit: unknown subcommand '${sub}' (${USAGE.slice(7)})`);
  }
  const { values, positionals } = parseCommandArgs("audit verify", rest, { json: { type: "boolean" } });
  const path = onePositional("audit verify", positionals, "audit FILE");
  const bytes = readInputFile(path, "audit file", MAX_AUDIT_FILE_BYTES);
  if (bytes.length === 0) throw new InputError(`audit file '${path}' is empty`);
  const result = verifyAuditBytes(bytes);
  if (values.json) {
    process.stdout.write(JSON.stringify(result) + "\n");
    return result.ok ? 0 : 1;
  }
  if (!result.ok) {
    throw new InputError(`audit file '${path}': ${where(result.firstBroken!)}${result.firstBroken!.reason}`);
  }
  for (let c = 0; c < result.chains.length; c++) {
    const s = result.chains[c];
    process.stdout.write(`ok  chain #${c} '${s.label}'  ${s.entries} entries  head ${s.headHex}\n`);
  }
  return 0;
}
