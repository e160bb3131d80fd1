/**
 * `ringfence record synthetic --seed N --events N [--instruments K] -o FILE`
 * `ringfence record csv FILE.csv --format trades|quotes [--columns SPEC] [--symbol SYM]
 *      [--time-unit s|ms|us|ns] [--price-decimals N] [--qty-decimals N] [--sort] [--delimiter C] -o FILE`
 *
 * Both stream into a recording (one block of events in memory at a time)
 * that appears under its name only when complete (temp file + rename).
 * Equal inputs and flags give a byte-identical file.
 */
import { parseCommandArgs, intFlag } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EVENT_RECORD_WORDS } from "../../abi/eventRecord.ts";
import { CSV_FORMATS, parseColumnSpec, type CsvFormat } from "../../feed/csv/csvColumns.ts";
import { describeTime, importCsvFile, type CsvImportSummary } from "../../feed/csv/csvImport.ts";
import { formatTimeNs, TIME_UNITS, type TimeUnit } from "../../feed/csv/csvTime.ts";
import { MAX_DECIMALS } from "../../feed/instrument.ts";
import { RecordingWriter } from "../../feed/recordingWriter.ts";
import { RECORDS_PER_BLOCK_MAX } from "../../feed/recordingFormat.ts";
import { SYNTHETIC_MAX_EVENTS, SYNTHETIC_MAX_INSTRUMENTS, SyntheticFeed } from "../../feed/synthetic.ts";

const COMMAND = "record";
const DEFAULT_INSTRUMENTS = 4;
const SYNTHETIC_USAGE = "usage: ringfence record synthetic --seed N --events N [--instruments K] -o FILE";
const CSV_USAGE = "usage: ringfence record csv FILE.csv --format trades|quotes [--columns SPEC] [--symbol SYM] [--time-unit s|ms|us|ns] [--price-decimals N] [--qty-decimals N] [--sort] [--delimiter C] -o FILE";
const USAGE = "usage: ringfence record synthetic|csv … (see docs/recording.md)";
/** Instruments listed one by one in the summary; more are counted. */
const SUMMARY_INSTRUMENTS = 12;

const OPTIONS = {
  seed: { type: "string" },
  events: { type: "string" },
  instruments: { type: "string" },
  format: { type: "string" },
  columns: { type: "string" },
  symbol: { type: "string" },
  "time-unit": { type: "string" },
  "price-decimals": { type: "string" },
  "qty-decimals": { type: "string" },
  sort: { type: "boolean" },
  delimiter: { type: "string" },
  output: { type: "string", short: "o" },
} as const;
type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

const SOURCE_FLAGS: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  synthetic: ["seed", "events", "instruments", "output"],
  csv: ["format", "columns", "symbol", "time-unit", "price-decimals", "qty-decimals", "sort", "delimiter", "output"],
};

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(COMMAND, argv, OPTIONS);
  const source = positionals[0];
  if (source === undefined) throw new UsageError(`${COMMAND}: expected exactly one source ('synthetic' or 'csv'), got 0 (${USAGE})`);
  if (source !== "synthetic" && source !== "csv") throw new UsageError(`${COMMAND}: unknown source '${source}', expected 'synthetic' or 'csv' (${USAGE})`);
  for (const name of Object.keys(values) as (keyof typeof OPTIONS)[]) {
    if (!SOURCE_FLAGS[source].includes(name)) throw new UsageError(`${COMMAND} ${source}: --${name} is not an option of this source (${source === "csv" ? CSV_USAGE : SYNTHETIC_USAGE})`);
  }
  return source === "synthetic" ? recordSynthetic(values, positionals) : recordCsv(values, positionals);
}

function recordSynthetic(values: Values, positionals: string[]): number {
  if (positionals.length !== 1) throw new UsageError(`${COMMAND}: expected exactly one source, got ${positionals.length} (${SYNTHETIC_USAGE})`);
  if (values.seed === undefined) throw new UsageError(`${COMMAND}: --seed N is required (${SYNTHETIC_USAGE})`);
  if (values.events === undefined) throw new UsageError(`${COMMAND}: --events N is required (${SYNTHETIC_USAGE})`);
  if (values.output === undefined) throw new UsageError(`${COMMAND}: -o FILE is required (${SYNTHETIC_USAGE})`);
  const seed = intFlag(COMMAND, "seed", values.seed, 0, 0);
  // 0 is a valid recording: inspect, backtest, run (--record), replay and sweep all read one (test/unit/cli/record.test.ts).
  const events = boundedInt("events", values.events, 0, SYNTHETIC_MAX_EVENTS);
  const instruments = values.instruments === undefined ? DEFAULT_INSTRUMENTS : boundedInt("instruments", values.instruments, 1, SYNTHETIC_MAX_INSTRUMENTS);
  const out = values.output!;

  const feed = new SyntheticFeed({ seed, events, instruments });
  const writer = RecordingWriter.toFile(out, feed.header);
  const block = new Int32Array(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS);
  try {
    for (let n = feed.fill(block, 0, RECORDS_PER_BLOCK_MAX); n > 0; n = feed.fill(block, 0, RECORDS_PER_BLOCK_MAX)) {
      writer.append(block, 0, n);
    }
    const s = writer.finish();
    process.stdout.write(`wrote ${out}: ${s.events} events, ${instruments} instruments, ${s.bytes} bytes, sha256 ${s.fileSha256}\n`);
    return 0;
  } catch (e) {
    writer.abort();
    throw e;
  }
}

function recordCsv(values: Values, positionals: string[]): number {
  if (positionals.length !== 2) {
    throw new UsageError(`${COMMAND} csv: expected one CSV file, got ${positionals.length - 1} (${CSV_USAGE})`);
  }
  const file = positionals[1];
  if (values.format === undefined) throw new UsageError(`${COMMAND} csv: --format trades|quotes is required (${CSV_USAGE})`);
  if (!CSV_FORMATS.includes(values.format as CsvFormat)) throw new UsageError(`${COMMAND} csv: --format must be trades or quotes, got '${values.format}'`);
  const format = values.format as CsvFormat;
  let columns = null;
  if (values.columns !== undefined) {
    const spec = parseColumnSpec(values.columns, format);
    if (typeof spec === "string") throw new UsageError(`${COMMAND} csv: ${spec}`);
    columns = spec;
  }
  if (values.output === undefined) throw new UsageError(`${COMMAND} csv: -o FILE is required (${CSV_USAGE})`);
  const unit = values["time-unit"];
  if (unit !== undefined && !TIME_UNITS.includes(unit as TimeUnit)) throw new UsageError(`${COMMAND} csv: --time-unit must be s, ms, us or ns, got '${unit}'`);
  if (values.symbol !== undefined && !/^[\x21-\x7e]{1,16}$/.test(values.symbol)) {
    throw new UsageError(`${COMMAND} csv: --symbol must be 1..16 printable ASCII characters without spaces, got '${values.symbol}'`);
  }
  const delimiter = values.delimiter === undefined ? undefined : values.delimiter === "tab" || values.delimiter === "\\t" ? "\t" : values.delimiter;
  if (delimiter !== undefined && (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r")) {
    throw new UsageError(`${COMMAND} csv: --delimiter must be one character (or 'tab'), got '${values.delimiter}'`);
  }
  const out = values.output!;
  const s = importCsvFile(file, out, {
    format,
    columns,
    symbol: values.symbol,
    timeUnit: unit as TimeUnit | undefined,
    priceDecimals: decimalsFlag("price-decimals", values["price-decimals"]),
    qtyDecimals: decimalsFlag("qty-decimals", values["qty-decimals"]),
    sort: values.sort === true,
    delimiter,
  });
  process.stdout.write(formatCsvSummary(out, format, s));
  return 0;
}

/** The lines `record csv` prints: what was written, how times were read, the instruments. */
export function formatCsvSummary(out: string, format: CsvFormat, s: CsvImportSummary): string {
  const { scan } = s;
  const lines = [`wrote ${out}: ${s.events} ${format}, ${scan.instruments.length} instruments, ${s.bytes} bytes, sha256 ${s.fileSha256}`];
  lines.push(`  time: ${describeTime(scan)}`);
  lines.push(`  range: ${formatTimeNs(scan.firstTimeNs)} .. ${formatTimeNs(scan.lastTimeNs)}`);
  lines.push(`  rows: ${scan.rows}${scan.columns.header ? " after a header row" : " (no header row)"}; ${s.reordered > 0 ? `${plural(s.reordered, "row")} moved by --sort (stable)` : "in time order"}`);
  const shown = scan.instruments.slice(0, SUMMARY_INSTRUMENTS).map((i) => `${i.symbol} (id ${i.id}, ${plural(i.rows, "row")}, priceDecimals ${i.priceDecimals}, qtyDecimals ${i.qtyDecimals})`);
  const more = scan.instruments.length - shown.length;
  lines.push(`  instruments: ${shown.join(", ")}${more > 0 ? `, and ${more} more` : ""}`);
  return lines.join("\n") + "\n";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function decimalsFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = intFlag(COMMAND, name, value, 0, 0);
  if (n > MAX_DECIMALS) throw new UsageError(`${COMMAND} csv: --${name} must be an integer 0..${MAX_DECIMALS}, got '${value}'`);
  return n;
}

function boundedInt(name: string, value: string, min: number, max: number): number {
  const n = intFlag(COMMAND, name, value, min, min);
  if (n > max) throw new UsageError(`${COMMAND}: --${name} must be an integer ${min}..${max}, got '${value}'`);
  return n;
}
