/**
 * CSV → recording, in two streaming passes over the file:
 *
 *   1. scan: every row is parsed and checked (csvRows.ts); the pass learns
 *      the symbols (instrument ids in order of first appearance), the most
 *      decimals each symbol's prices and sizes use, the time shape and
 *      whether rows are in time order. Nothing is written yet, so a bad row
 *      anywhere leaves no output at all.
 *   2. write: rows are parsed again, converted to integer ticks and lots at
 *      the settled decimals, and streamed into a RecordingWriter (a temp
 *      file renamed onto the output when complete).
 *
 * Memory is one line buffer and one block of records, whatever the file's
 * size — except with `sort` on a file that is out of order: then every
 * record is held (64 + 12 bytes a row) and sorted stably by time.
 *
 * The header's instruments and decimals must be known before the first
 * event is written, and the default decimals are the most the whole file
 * uses, hence two passes rather than one.
 */
import { basename } from "node:path";
import { EventKind } from "../../abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord, copyRecord } from "../../abi/eventRecord.ts";
import { writeI64 } from "../../abi/int64.ts";
import { MAX_DECIMALS, MAX_INSTRUMENTS, type InstrumentSpec } from "../instrument.ts";
import { RECORDS_PER_BLOCK_MAX } from "../recordingFormat.ts";
import { MAX_SPAN_DAYS, MAX_TIME_HI_SPAN } from "../eventChecks.ts";
import type { RecordingHeaderFields } from "../recordingHeader.ts";
import { RecordingWriter, type RecordingSummary } from "../recordingWriter.ts";
import { sameFile } from "../sinks.ts";
import { type ColumnMap, type ColumnSpec, type CsvFormat, mapColumns, type Role } from "./csvColumns.ts";
import { CsvError, lineError } from "./csvError.ts";
import { splitCsvLine } from "./csvLine.ts";
import { RowParser, TimeColumn, type ParsedRow, type TimeShape } from "./csvRows.ts";
import { formatTimeNs, TIME_UNIT_NAMES, type TimeUnit, writeTimeNs } from "./csvTime.ts";
import { decimalPlaces, decimalToUnits, type ParsedDecimal } from "./decimalTicks.ts";
import { LineReader } from "./lineReader.ts";

/** Version of the import rules, recorded in the header (`createdBy.importer`). */
export const CSV_IMPORTER = "csv-v1";

export interface CsvImportOptions {
  readonly format: CsvFormat;
  /** --columns, parsed (parseColumnSpec); null or absent: match the header by name. */
  readonly columns?: ColumnSpec | null;
  /** The symbol of every row, for files without a symbol column. */
  readonly symbol?: string;
  /** Unit of epoch-number times; absent: from the first row's magnitude. */
  readonly timeUnit?: TimeUnit;
  /** Decimals of every instrument's prices (0..9); absent: the most each symbol uses. */
  readonly priceDecimals?: number;
  /** Decimals of every instrument's sizes (0..9); absent: the most each symbol uses. */
  readonly qtyDecimals?: number;
  /** Sort out-of-order rows by time (stable); without it they are an error. */
  readonly sort?: boolean;
  /** Field separator, one character (default ','). */
  readonly delimiter?: string;
}

/** What pass 1 learns about a file. */
export interface CsvScan {
  readonly path: string;
  readonly byteLength: number;
  readonly csvSha256: string;
  readonly columns: ColumnMap;
  readonly fieldCount: number;
  /** Data rows (blank lines and the header excluded). */
  readonly rows: number;
  readonly time: TimeShape;
  /** ISO times without a zone, read as UTC. */
  readonly unzonedRows: number;
  /** Rows earlier than a row before them (0 unless options.sort). */
  readonly outOfOrderRows: number;
  readonly firstTimeNs: bigint;
  readonly lastTimeNs: bigint;
  /** One per symbol, in order of first appearance; decimals as the recording will declare them. */
  readonly instruments: readonly (InstrumentSpec & { rows: number })[];
}

export interface CsvImportSummary extends RecordingSummary {
  readonly scan: CsvScan;
  /** Rows --sort moved (0 when the file was in order). */
  readonly reordered: number;
}

/** Pass 1: parses and checks every row without writing anything. Throws CsvError naming the first bad line. */
export function scanCsv(path: string, o: CsvImportOptions): CsvScan {
  checkOptions(o);
  const reader = new LineReader(path, "csv file", { sha256: true });
  try {
    const rows = new RowWalker(reader, o, null);
    const bySymbol = new Map<string, number>();
    const symbols: string[] = [];
    const counts: number[] = [];
    const pricePlaces: number[] = [];
    const qtyPlaces: number[] = [];
    let previous = -1n;
    let previousLine = 0;
    let first = 0n;
    let last = 0n;
    let outOfOrder = 0;
    let n = 0;
    for (let row = rows.next(); row !== null; row = rows.next()) {
      const line = reader.lineNumber;
      let id = bySymbol.get(row.symbol);
      if (id === undefined) {
        if (symbols.length === MAX_INSTRUMENTS) throw lineError(path, line, `symbol '${row.symbol}' would be instrument ${MAX_INSTRUMENTS + 1}; a recording holds at most ${MAX_INSTRUMENTS}`);
        id = symbols.length;
        bySymbol.set(row.symbol, id);
        symbols.push(row.symbol);
        counts.push(0);
        pricePlaces.push(0);
        qtyPlaces.push(0);
      }
      counts[id]++;
      const p = rows.parser!;
      pricePlaces[id] = Math.max(pricePlaces[id], places(p, row.price, row.priceText, o.priceDecimals, Slot.Price, line), places(p, row.price2, row.price2Text, o.priceDecimals, Slot.Price2, line));
      qtyPlaces[id] = Math.max(qtyPlaces[id], places(p, row.qty, row.qtyText, o.qtyDecimals, Slot.Qty, line), places(p, row.qty2, row.qty2Text, o.qtyDecimals, Slot.Qty2, line));
      if (row.timeNs < previous) {
        if (!o.sort) {
          throw lineError(
            path,
            line,
            `time ${formatTimeNs(row.timeNs)} is before ${formatTimeNs(previous)} on line ${previousLine}; rows must be in time order (pass --sort to sort them, equal times keeping file order)`,
          );
        }
        outOfOrder++;
      } else {
        previous = row.timeNs;
        previousLine = line;
      }
      if (n === 0 || row.timeNs < first) first = row.timeNs;
      if (n === 0 || row.timeNs > last) last = row.timeNs;
      n++;
    }
    if (n === 0) {
      throw new CsvError(rows.columns === null ? `${path}: is empty (expected a header row and data rows)` : `${path}: has no data rows`);
    }
    // The recording's own rule (eventChecks.ts), said in the file's terms before anything is written.
    if ((last >> 32n) - (first >> 32n) > BigInt(MAX_TIME_HI_SPAN)) {
      throw new CsvError(`${path}: rows span ${formatTimeNs(first)} to ${formatTimeNs(last)}; a recording spans at most ${MAX_SPAN_DAYS} days (2^53 ns, the span a strategy's clock counts exactly): split the file by time`);
    }
    return {
      path,
      byteLength: reader.byteLength,
      csvSha256: reader.digest(),
      columns: rows.columns!,
      fieldCount: rows.fieldCount,
      rows: n,
      time: rows.parser!.time.shape!,
      unzonedRows: rows.parser!.time.unzoned,
      outOfOrderRows: outOfOrder,
      firstTimeNs: first,
      lastTimeNs: last,
      instruments: symbols.map((symbol, id) => ({
        id,
        symbol,
        priceDecimals: o.priceDecimals ?? pricePlaces[id],
        qtyDecimals: o.qtyDecimals ?? qtyPlaces[id],
        rows: counts[id],
      })),
    };
  } finally {
    reader.close();
  }
}

/** The recording header an import writes: deterministic (no clock), naming the CSV by its digest. */
export function csvRecordingHeader(scan: CsvScan, o: CsvImportOptions): RecordingHeaderFields {
  return {
    format: "ringfence-recording",
    version: 1,
    source: "csv",
    createdBy: {
      importer: CSV_IMPORTER,
      format: o.format,
      file: basename(scan.path).slice(0, 1024),
      csvSha256: scan.csvSha256,
      rows: scan.rows,
      time: scan.time.kind === "iso" ? "iso-8601" : `epoch-${scan.time.unit}`,
    },
    instruments: scan.instruments.map(({ id, symbol, priceDecimals, qtyDecimals }) => ({ id, symbol, priceDecimals, qtyDecimals })),
  };
}

/**
 * Both passes: scans `path`, then streams its events into the writer
 * `open` returns for the header. Aborts the writer on any error.
 */
export function importCsv(path: string, o: CsvImportOptions, open: (header: RecordingHeaderFields) => RecordingWriter): CsvImportSummary {
  const scan = scanCsv(path, o);
  const writer = open(csvRecordingHeader(scan, o));
  try {
    const reordered = writeEvents(scan, o, writer);
    return { ...writer.finish(), scan, reordered };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** importCsv into a file that appears at `outPath` only when complete. Refuses to overwrite the CSV itself. */
export function importCsvFile(path: string, outPath: string, o: CsvImportOptions): CsvImportSummary {
  if (sameFile(path, outPath)) throw new CsvError(`${outPath}: is the input CSV; choose another output file`);
  return importCsv(path, o, (header) => RecordingWriter.toFile(outPath, header));
}

/** Pass 2. Returns how many rows sorting moved. */
function writeEvents(scan: CsvScan, o: CsvImportOptions, writer: RecordingWriter): number {
  const reader = new LineReader(scan.path, "csv file");
  try {
    const rows = new RowWalker(reader, o, scan.time);
    const ids = new Map(scan.instruments.map((s) => [s.symbol, s.id] as const));
    const sorting = o.sort === true && scan.outOfOrderRows > 0;
    const block = new Int32Array(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS);
    let all: Int32Array | null = null;
    let times: BigInt64Array | null = null;
    if (sorting) {
      try {
        all = new Int32Array(scan.rows * EVENT_RECORD_WORDS);
        times = new BigInt64Array(scan.rows);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        throw new CsvError(`${scan.path}: ${scan.rows} rows are too many to --sort in memory (${scan.rows * 76} bytes); sort the file by time first`);
      }
    }
    let n = 0;
    let pending = 0;
    for (let row = rows.next(); row !== null; row = rows.next()) {
      if (n === scan.rows) throw new CsvError(`${scan.path}: changed while it was being imported (more rows on the second pass)`);
      const spec = scan.instruments[ids.get(row.symbol) ?? -1];
      if (spec === undefined) throw new CsvError(`${scan.path}: changed while it was being imported (new symbol on line ${reader.lineNumber})`);
      const line = reader.lineNumber;
      const out = sorting ? all! : block;
      const at = (sorting ? n : pending) * EVENT_RECORD_WORDS;
      out[at + EventWord.kind] = o.format === "trades" ? EventKind.Trade : EventKind.Quote;
      out[at + EventWord.instrument] = spec.id;
      writeI64(out, at + EventWord.seqLo, n + 1);
      writeTimeNs(out, at + EventWord.timeLo, row.timeNs);
      const p = rows.parser!;
      writeI64(out, at + EventWord.priceLo, units(p, row.price, row.priceText, spec.priceDecimals, Slot.Price, line));
      writeI64(out, at + EventWord.qtyLo, units(p, row.qty, row.qtyText, spec.qtyDecimals, Slot.Qty, line));
      writeI64(out, at + EventWord.price2Lo, units(p, row.price2, row.price2Text, spec.priceDecimals, Slot.Price2, line));
      writeI64(out, at + EventWord.qty2Lo, units(p, row.qty2, row.qty2Text, spec.qtyDecimals, Slot.Qty2, line));
      out[at + EventWord.ref] = 0;
      out[at + EventWord.flags] = row.side;
      if (sorting) times![n] = row.timeNs;
      n++;
      if (!sorting && ++pending === RECORDS_PER_BLOCK_MAX) {
        writer.append(block, 0, pending);
        pending = 0;
      }
    }
    if (n !== scan.rows) throw new CsvError(`${scan.path}: changed while it was being imported (${n} rows on the second pass, ${scan.rows} on the first)`);
    if (!sorting) {
      writer.append(block, 0, pending);
      return 0;
    }
    return writeSorted(all!, times!, n, block, writer);
  } finally {
    reader.close();
  }
}

/** Writes `all` in (time, file order) order, renumbering seq 1..n. Returns how many rows moved. */
function writeSorted(all: Int32Array, times: BigInt64Array, n: number, block: Int32Array, writer: RecordingWriter): number {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // The file position breaks ties, so the order is total and equal times keep file order.
  order.sort((a, b) => (times[a] < times[b] ? -1 : times[a] > times[b] ? 1 : a - b));
  let moved = 0;
  let pending = 0;
  for (let k = 0; k < n; k++) {
    const src = order[k] * EVENT_RECORD_WORDS;
    if (order[k] !== k) moved++;
    const dst = pending * EVENT_RECORD_WORDS;
    copyRecord(block, dst, all, src);
    writeI64(block, dst + EventWord.seqLo, k + 1);
    if (++pending === RECORDS_PER_BLOCK_MAX) {
      writer.append(block, 0, pending);
      pending = 0;
    }
  }
  writer.append(block, 0, pending);
  return moved;
}

/**
 * Walks the data rows of a file: skips blank lines, maps the columns from
 * the first line (a header is skipped), checks each row's field count and
 * parses it. `time` is the shape pass 1 settled (null in pass 1).
 */
class RowWalker {
  columns: ColumnMap | null = null;
  parser: RowParser | null = null;
  fieldCount = 0;
  private headerLine = 0;
  private readonly fields: string[] = [];
  private readonly delimiter: string;

  constructor(private readonly reader: LineReader, private readonly o: CsvImportOptions, private readonly time: TimeShape | null) {
    this.delimiter = o.delimiter ?? ",";
  }

  next(): ParsedRow | null {
    const { reader, fields } = this;
    for (;;) {
      const text = reader.next();
      if (text === null) return null;
      if (text.trim() === "") continue;
      const line = reader.lineNumber;
      const problem = splitCsvLine(text, this.delimiter, fields);
      if (problem !== null) throw lineError(reader.path, line, problem);
      if (this.columns === null) {
        const map = mapColumns(fields, this.o.format, this.o.columns ?? null, this.o.symbol !== undefined);
        if (typeof map === "string") throw lineError(reader.path, line, map);
        this.columns = map;
        this.fieldCount = fields.length;
        this.headerLine = line;
        this.parser = new RowParser(reader.path, this.o.format, map, this.o.symbol, new TimeColumn(reader.path, this.o.timeUnit, this.time));
        if (map.header) continue;
      } else if (fields.length !== this.fieldCount) {
        throw lineError(reader.path, line, `${fields.length} fields, expected ${this.fieldCount} (as on line ${this.headerLine})`);
      }
      return this.parser!.parse(fields, line);
    }
  }
}

/** The role of each record slot (price, qty, price2, qty2) per format, for messages. */
const SLOT_ROLES: Readonly<Record<CsvFormat, readonly [Role, Role, Role, Role]>> = {
  trades: ["price", "size", "price", "size"],
  quotes: ["bid", "bidSize", "ask", "askSize"],
};
const Slot = { Price: 0, Qty: 1, Price2: 2, Qty2: 3 } as const;
type Slot = (typeof Slot)[keyof typeof Slot];

/** Significant places of one field, checked against an explicit --price/qty-decimals and the 9 a recording allows. */
function places(parser: RowParser, d: ParsedDecimal | null, text: string, flag: number | undefined, slot: Slot, line: number): number {
  if (d === null) return 0;
  const p = decimalPlaces(d);
  const label = parser.label(SLOT_ROLES[parser.format][slot]);
  if (flag !== undefined && p > flag) {
    const name = slot === Slot.Price || slot === Slot.Price2 ? "--price-decimals" : "--qty-decimals";
    throw lineError(parser.path, line, `${label} '${text}' has ${p} decimals, more than ${name} ${flag}`);
  }
  if (p > MAX_DECIMALS) throw lineError(parser.path, line, `${label} '${text}' has ${p} decimals; a recording allows at most ${MAX_DECIMALS}`);
  return p;
}

/** One field in integer ticks or lots at `decimals`; 0 for an empty quote side. */
function units(parser: RowParser, d: ParsedDecimal | null, text: string, decimals: number, slot: Slot, line: number): number {
  if (d === null) return 0;
  const v = decimalToUnits(d, decimals);
  if (typeof v === "string") throw lineError(parser.path, line, `${parser.label(SLOT_ROLES[parser.format][slot])} '${text}' ${v}`);
  return v;
}

function checkOptions(o: CsvImportOptions): void {
  for (const [name, v] of [["priceDecimals", o.priceDecimals], ["qtyDecimals", o.qtyDecimals]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > MAX_DECIMALS)) throw new RangeError(`${name}=${v} must be an integer 0..${MAX_DECIMALS}`);
  }
  if (o.delimiter !== undefined && (o.delimiter.length !== 1 || o.delimiter === '"' || o.delimiter === "\n" || o.delimiter === "\r")) {
    throw new RangeError(`delimiter=${JSON.stringify(o.delimiter)} must be one character other than a quote or a line break`);
  }
  if (o.symbol !== undefined && !/^[\x21-\x7e]{1,16}$/.test(o.symbol)) throw new RangeError(`symbol=${JSON.stringify(o.symbol)} must be 1..16 printable ASCII characters`);
}

/** One line saying how times were read, for the summary. */
export function describeTime(scan: CsvScan): string {
  const t = scan.time;
  if (t.kind === "iso") {
    return scan.unzonedRows > 0 ? `ISO-8601 (${scan.unzonedRows} ${scan.unzonedRows === 1 ? "time" : "times"} without a zone read as UTC)` : "ISO-8601";
  }
  const unit = TIME_UNIT_NAMES[t.unit!];
  return t.detected
    ? `epoch ${unit} (detected from the magnitude of '${t.sample}' on line ${t.line}; --time-unit to override)`
    : `epoch ${unit} (--time-unit ${t.unit})`;
}
