/**
 * `ringfence audit verify FILE [--head CHAIN=HEX ...] [--report REPORT.json] [--json]`:
 * checks every hash chain in an audit file written by `backtest --audit
 * FILE` (formats 2 and 1), and optionally that chains end at heads kept
 * elsewhere — a chain alone cannot tell a file rewritten and rehashed from
 * the original.
 *   exit 0  every chain holds (and has the expected head); one line per chain
 *   exit 1  the first broken entry or block named in one line, or a head
 *           that is not the expected one (or the file is missing, a
 *           directory, empty, or not an audit file)
 *   exit 2  usage
 */
import type { AuditBreak, AuditChainSummary, AuditVerifyResult } from "../../audit/auditFile.ts";
import { AuditFileReader } from "../../audit/auditFileReader.ts";
import { printableJson, quoted } from "../../text/printable.ts";
import { parseCommandArgs, onePositional } from "../args.ts";
import { InputError, UsageError } from "../errors.ts";
import { inputFileSize, readInputFile } from "../files.ts";

/** Largest backtest report read for --report. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

const USAGE = "audit: usage: ringfence audit verify FILE [--head CHAIN=HEX ...] [--report REPORT.json] [--json]";

/** Verifies a file of any size through the reader's window (bounded memory): the result verifyAuditBytes gives for its bytes. */
function verifyAuditFile(path: string): AuditVerifyResult {
  let reader: AuditFileReader;
  try {
    reader = AuditFileReader.open(path);
  } catch (e) {
    throw new InputError(`audit file '${path}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const walk = reader.entries();
    for (;;) {
      const step = walk.next();
      if (step.done) return step.value;
    }
  } catch (e) {
    // The only throw left is the file shrinking under the reader.
    throw new InputError(`audit file '${path}': ${(e as Error).message}`);
  } finally {
    reader.close();
  }
}

function where(b: AuditBreak): string {
  const chain = `chain #${b.chainIndex} ${quoted(b.chain)}`;
  switch (b.part) {
    case "file": return "";
    case "chainHeader": return `${chain} header: `;
    case "entry": return `${chain} entry ${b.index}: `;
    case "block": return `${chain} entries ${b.index}..${b.through}: `;
    case "head": return `${chain} head hash: `;
  }
}

/** An expected head: for the chain at `index`, or the one chain labelled `label`. */
interface ExpectedHead {
  readonly chain: { index: number } | { label: string };
  readonly headHex: string;
  /** Where the expectation came from, for messages. */
  readonly from: string;
  /** The label that chain must have (a report names each strategy's chain by its code id). */
  readonly label?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** --head CHAIN=HEX, CHAIN a label or #N. */
function parseHead(arg: string): ExpectedHead {
  const eq = arg.lastIndexOf("=");
  const chain = eq > 0 ? arg.slice(0, eq) : "";
  const headHex = eq > 0 ? arg.slice(eq + 1).toLowerCase() : "";
  if (chain === "" || !HEX64.test(headHex)) throw new UsageError(`audit verify: --head must be CHAIN=HEX (a chain label or #N, and 64 hex digits), got '${arg}'`);
  const index = /^#(\d+)$/.exec(chain);
  return { chain: index ? { index: Number(index[1]) } : { label: chain }, headHex, from: `--head ${chain}` };
}

/** The heads a report gives (headsFromReport): the run chain's, then one per strategy chain, in file order. */
interface ReportHeads {
  readonly path: string;
  readonly heads: ExpectedHead[];
  /** How many strategies the report has: the file must have exactly as many strategy chains after the run chain. */
  readonly strategies: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Why `value` is not a `backtest --json` report, or null when it is one (an object with a run auditHash and strategies each with codeId and auditHash). */
function notAReport(value: unknown): string | null {
  if (!isObject(value)) return value === null ? "it is null" : Array.isArray(value) ? "it is an array" : `it is a ${typeof value}`;
  const badHash = (v: unknown) => typeof v !== "string" || !HEX64.test(v);
  if (!("auditHash" in value)) return "it has no auditHash";
  if (badHash(value.auditHash)) return "its auditHash is not 64 lowercase hex digits";
  if (!Array.isArray(value.strategies)) return "it has no strategies array";
  for (const [i, s] of (value.strategies as unknown[]).entries()) {
    if (!isObject(s)) return `strategies[${i}] is not an object`;
    if (typeof s.codeId !== "string") return `strategies[${i}] has no codeId`;
    if (!("auditHash" in s)) return `strategies[${i}] has no auditHash`;
    if (badHash(s.auditHash)) return `strategies[${i}].auditHash is not 64 lowercase hex digits`;
  }
  return null;
}

/**
 * The heads a `backtest --json` report gives: its auditHash is the run
 * chain's (#0 in the file `--audit` writes), each strategy's auditHash the
 * chain `strategy:<codeId>` after it, in report order.
 */
function headsFromReport(path: string): ReportHeads {
  const text = Buffer.from(readInputFile(path, "report file", MAX_REPORT_BYTES)).toString("utf8");
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new InputError(`report file '${path}' is not JSON (expected the output of 'ringfence backtest --json')`);
  }
  const why = notAReport(report);
  if (why !== null) throw new InputError(`report file '${path}' is not a backtest report (${why}; expected the output of 'ringfence backtest --json')`);
  const r = report as { auditHash: string; strategies: { codeId: string; auditHash: string }[] };
  return {
    path,
    strategies: r.strategies.length,
    heads: [
      { chain: { index: 0 }, headHex: r.auditHash, from: `report '${path}' auditHash` },
      ...r.strategies.map((s, i) => ({
        chain: { index: i + 1 }, headHex: s.auditHash, label: `strategy:${s.codeId}`, from: `report '${path}' strategies[${i}]`,
      })),
    ],
  };
}

/**
 * A report is for a file whose chains are the run chain and then exactly one
 * per strategy it lists: the reason it is not (one line), or null. Without
 * this a report listing fewer strategies (or none) would leave the other
 * chains unchecked, and a rewritten, rehashed strategy chain would verify.
 */
function reportMismatch(chains: readonly AuditChainSummary[], r: ReportHeads): string | null {
  const strategyChains = Math.max(0, chains.length - 1);
  if (r.strategies === strategyChains) return null;
  const listed = `${r.strategies} ${r.strategies === 1 ? "strategy" : "strategies"}`;
  const inFile = strategyChains === 0 ? "0 strategy chains" : `${strategyChains} strategy chain${strategyChains === 1 ? "" : "s"} (#1..#${strategyChains})`;
  return `report '${r.path}' has ${listed}, but the file has ${inFile}: the report is not for this file`;
}

/** The chain an expectation names, or a one-line reason it names none (or several). */
function chainFor(chains: readonly AuditChainSummary[], e: ExpectedHead): number | string {
  if ("index" in e.chain) return e.chain.index < chains.length ? e.chain.index : `${e.from}: the file has no chain #${e.chain.index} (${chains.length} chains)`;
  const label = e.chain.label;
  const found = chains.flatMap((c, i) => (c.label === label ? [i] : []));
  if (found.length === 1) return found[0];
  return found.length === 0 ? `${e.from}: no chain is labelled ${quoted(label)}` : `${e.from}: ${found.length} chains are labelled ${quoted(label)} (#${found.join(", #")}); name one as #N`;
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "verify") {
    throw new UsageError(sub === undefined ? USAGE : `audit: unknown subcommand '${sub}' (${USAGE.slice(7)})`);
  }
  const { values, positionals } = parseCommandArgs("audit verify", rest, {
    json: { type: "boolean" },
    head: { type: "string", multiple: true },
    report: { type: "string" },
  });
  const path = onePositional("audit verify", positionals, "audit FILE");
  const expected = (values.head ?? []).map(parseHead);
  if (inputFileSize(path, "audit file") === 0) throw new InputError(`audit file '${path}' is empty`);
  const report = values.report === undefined ? null : headsFromReport(values.report);
  if (report !== null) expected.push(...report.heads);
  const result = verifyAuditFile(path);
  // Heads are compared only once every chain holds: a broken chain is the first thing to say.
  const mismatches: string[] = [];
  if (result.ok) {
    const notForFile = report === null ? null : reportMismatch(result.chains, report);
    if (notForFile !== null) mismatches.push(notForFile);
    for (const e of expected) {
      const c = chainFor(result.chains, e);
      if (typeof c === "string") mismatches.push(c);
      else if (e.label !== undefined && result.chains[c].label !== e.label) {
        mismatches.push(`chain #${c} is labelled ${quoted(result.chains[c].label)}, but ${e.from} is ${quoted(e.label)}: the report is not for this file`);
      } else if (result.chains[c].headHex !== e.headHex) {
        mismatches.push(`chain #${c} ${quoted(result.chains[c].label)} head ${result.chains[c].headHex} is not ${e.headHex} (${e.from}): the file is not the one that head was kept for`);
      }
    }
  }
  if (values.json) {
    process.stdout.write(printableJson({ ...result, ok: result.ok && mismatches.length === 0, headsChecked: expected.length, headMismatches: mismatches }) + "\n");
    return result.ok && mismatches.length === 0 ? 0 : 1;
  }
  if (!result.ok) {
    throw new InputError(`audit file '${path}': ${where(result.firstBroken!)}${result.firstBroken!.reason}`);
  }
  if (mismatches.length > 0) {
    const more = mismatches.length > 1 ? ` (and ${mismatches.length - 1} more)` : "";
    throw new InputError(`audit file '${path}': ${mismatches[0]}${more}`);
  }
  const checked = new Set(expected.map((e) => chainFor(result.chains, e)));
  for (let c = 0; c < result.chains.length; c++) {
    const s = result.chains[c];
    process.stdout.write(`ok  chain #${c} ${quoted(s.label)}  ${s.entries} entries  head ${s.headHex}${checked.has(c) ? "  (expected head)" : ""}\n`);
  }
  return 0;
}
