/**
 * CSV → recording (host/feed/csv/csvImport.ts): exact ticks and times,
 * instruments in order of first appearance, seq 1..N, stable --sort, one
 * `FILE:LINE: …` error per bad row and no output left behind, streaming
 * across chunk boundaries.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EventKind, Side } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { readI64 } from "../../../host/abi/int64.ts";
import { InputError } from "../../../host/cli/errors.ts";
import { parseColumnSpec, type ColumnSpec, type CsvFormat } from "../../../host/feed/csv/csvColumns.ts";
import { CsvError } from "../../../host/feed/csv/csvError.ts";
import { importCsvFile, scanCsv, type CsvImportOptions, type CsvImportSummary } from "../../../host/feed/csv/csvImport.ts";
import { CHUNK_BYTES } from "../../../host/feed/csv/lineReader.ts";
import { readRecordingFile, type Recording } from "../../../host/feed/recording.ts";
import { timeNsToBigInt } from "../../../host/feed/timeNs.ts";
import { repoRoot } from "../../support/dist.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";

const dir = mkdtempSync(join(tmpdir(), "rf-csv-import-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string) => join(repoRoot, "test", "fixtures", "csv", name);

const T0 = 1767623400n * 1_000_000_000n; // 2026-01-05T14:30:00Z

interface Row {
  kind: number;
  instrument: number;
  seq: number;
  timeNs: bigint;
  price: number;
  qty: number;
  price2: number;
  qty2: number;
  flags: number;
}

function rows(rec: Recording): Row[] {
  const out: Row[] = [];
  for (let e = 0; e < rec.count; e++) {
    const w = e * EVENT_RECORD_WORDS;
    const ev = rec.events;
    out.push({
      kind: ev[w + EventWord.kind],
      instrument: ev[w + EventWord.instrument],
      seq: readI64(ev, w + EventWord.seqLo),
      timeNs: timeNsToBigInt(ev[w + EventWord.timeLo], ev[w + EventWord.timeHi]),
      price: readI64(ev, w + EventWord.priceLo),
      qty: readI64(ev, w + EventWord.qtyLo),
      price2: readI64(ev, w + EventWord.price2Lo),
      qty2: readI64(ev, w + EventWord.qty2Lo),
      flags: ev[w + EventWord.flags],
    });
  }
  return out;
}

function columns(text: string, format: CsvFormat): ColumnSpec {
  const s = parseColumnSpec(text, format);
  if (typeof s === "string") throw new Error(s);
  return s;
}

let outputs = 0;
function importTo(csv: string, o: CsvImportOptions): { rec: Recording; summary: CsvImportSummary; out: string } {
  const out = join(dir, `out${outputs++}.rfr`);
  const summary = importCsvFile(csv, out, o);
  return { rec: readRecordingFile(out), summary, out };
}

function csvFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The import fails with exactly `message` (a CsvError, exit 1) and leaves no output, not even a temp file. */
function expectRefused(csv: string, o: CsvImportOptions, message: string | RegExp): void {
  const out = join(dir, `refused${outputs++}.rfr`);
  let error: unknown;
  try {
    importCsvFile(csv, out, o);
  } catch (e) {
    error = e;
  }
  expect(error, "import should have failed").toBeInstanceOf(CsvError);
  expect(error).toBeInstanceOf(InputError);
  const msg = (error as Error).message;
  expect(msg.includes("\n")).toBe(false);
  if (typeof message === "string") expect(msg).toBe(message);
  else expect(msg).toMatch(message);
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
}

const trade = (instrument: number, seq: number, timeNs: bigint, price: number, qty: number, flags = 0): Row => ({
  kind: EventKind.Trade, instrument, seq, timeNs, price, qty, price2: 0, qty2: 0, flags,
});
const quote = (instrument: number, seq: number, timeNs: bigint, price: number, qty: number, price2: number, qty2: number): Row => ({
  kind: EventKind.Quote, instrument, seq, timeNs, price, qty, price2, qty2, flags: 0,
});

describe("importing the common shapes", () => {
  it("trades with a header, ISO times (ns, offsets), per-symbol decimals, sides, blank lines", () => {
    const { rec, summary } = importTo(fixture("trades.csv"), { format: "trades" });
    expect(rec.header.source).toBe("csv");
    expect(rec.header.instruments).toEqual([
      { id: 0, symbol: "AAPL", priceDecimals: 2, qtyDecimals: 0 },
      { id: 1, symbol: "MSFT", priceDecimals: 3, qtyDecimals: 0 },
    ]);
    expect(rows(rec)).toEqual([
      trade(0, 1, T0 + 1n, 18725, 100, Side.Buy),
      trade(1, 2, T0 + 1n, 410100, 5, Side.Sell),
      trade(0, 3, T0 + 500_000_000n, 18730, 200),
      trade(0, 4, T0 + 750_000_000n, 29, 1, Side.Buy),
      trade(1, 5, T0 + 1_123_456_789n, 410125, 12, Side.Sell),
    ]);
    expect(summary.scan).toMatchObject({ rows: 5, unzonedRows: 0, outOfOrderRows: 0, time: { kind: "iso" } });
    expect(summary.scan.columns.header).toBe(true);
    expect(rec.header.createdBy).toMatchObject({ importer: "csv-v1", format: "trades", file: "trades.csv", rows: 5, time: "iso-8601" });
    expect(rec.header.createdBy.csvSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("quotes in a vendor's column names, epoch ns (detected), one-sided and zero-size sides", () => {
    const { rec, summary } = importTo(fixture("quotes_databento.csv"), { format: "quotes" });
    expect(rec.header.instruments.map((i) => [i.symbol, i.priceDecimals, i.qtyDecimals])).toEqual([["ESH6", 2, 0], ["NQH6", 2, 0]]);
    expect(rows(rec)).toEqual([
      quote(0, 1, T0, 500025, 10, 500050, 12),
      quote(0, 2, T0 + 100n, 0, 0, 500050, 3),
      quote(1, 3, T0 + 100n, 1700000, 1, 1700025, 2),
      quote(0, 4, T0 + 200n, 500050, 0, 500050, 7),
    ]);
    expect(summary.scan.time).toMatchObject({ kind: "epoch", unit: "ns", detected: true, line: 2 });
  });

  it("an Excel export: BOM, CRLF, quoted fields, extra columns, epoch ms, fractional sizes", () => {
    const { rec, summary } = importTo(fixture("trades_excel.csv"), { format: "trades" });
    expect(rec.header.instruments).toEqual([
      { id: 0, symbol: "BTC-USD", priceDecimals: 1, qtyDecimals: 5 },
      { id: 1, symbol: "ETH-USD", priceDecimals: 2, qtyDecimals: 1 },
    ]);
    expect(rows(rec)).toEqual([
      trade(0, 1, T0, 870005, 125),
      trade(0, 2, T0 + 1_000_000n, 870010, 200000),
      trade(1, 3, T0 + 1_000_000n, 295075, 5),
    ]);
    expect(summary.scan.time).toMatchObject({ kind: "epoch", unit: "ms", detected: true });
  });

  it("no header, tab-separated, one symbol from --symbol, epoch seconds with fractions, explicit decimals", () => {
    const { rec, summary } = importTo(fixture("trades_noheader.tsv"), {
      format: "trades", delimiter: "\t", columns: columns("time,-,price,size", "trades"), symbol: "XYZ", timeUnit: "s", priceDecimals: 4, qtyDecimals: 1,
    });
    expect(rec.header.instruments).toEqual([{ id: 0, symbol: "XYZ", priceDecimals: 4, qtyDecimals: 1 }]);
    expect(rows(rec)).toEqual([
      trade(0, 1, T0 + 1_000n, 1872500, 1000),
      trade(0, 2, T0 + 500_000_000n, 1875000, 500),
      trade(0, 3, T0 + 1_000_000_000n, 1870000, 250),
    ]);
    expect(summary.scan.columns.header).toBe(false);
    expect(summary.scan.time).toMatchObject({ kind: "epoch", unit: "s", detected: false });
  });

  it("instruments get ids in order of first appearance, and seq runs 1..N", () => {
    const lines = ["time,symbol,price,size"];
    const order = ["ZZ", "AA", "MM", "AA", "ZZ", "BB"];
    order.forEach((s, i) => lines.push(`${i},${s},1,1`));
    const { rec } = importTo(csvFile("order.csv", lines.join("\n")), { format: "trades" });
    expect(rec.header.instruments.map((i) => i.symbol)).toEqual(["ZZ", "AA", "MM", "BB"]);
    expect(rows(rec).map((r) => [r.instrument, r.seq])).toEqual([[0, 1], [1, 2], [2, 3], [1, 4], [0, 5], [3, 6]]);
  });

  it("equal inputs give byte-identical recordings", () => {
    const a = importTo(fixture("trades.csv"), { format: "trades" });
    const b = importTo(fixture("trades.csv"), { format: "trades" });
    expect(readFileSync(a.out).equals(readFileSync(b.out))).toBe(true);
    expect(a.summary.fileSha256).toBe(b.summary.fileSha256);
  });
});

describe("time order", () => {
  it("out-of-order rows are an error naming both lines", () => {
    expectRefused(
      fixture("trades_unsorted.csv"),
      { format: "trades" },
      `${fixture("trades_unsorted.csv")}:3: time 2026-01-05T14:30:01.000000000Z is before 2026-01-05T14:30:02.000000000Z on line 2; rows must be in time order (pass --sort to sort them, equal times keeping file order)`,
    );
  });

  it("--sort sorts stably: equal times keep file order, seq is renumbered", () => {
    const { rec, summary } = importTo(fixture("trades_unsorted.csv"), { format: "trades", sort: true });
    expect(rows(rec)).toEqual([
      trade(0, 1, T0, 102, 5),
      trade(0, 2, T0 + 1_000_000_000n, 101, 2),
      trade(1, 3, T0 + 1_000_000_000n, 201, 4),
      trade(0, 4, T0 + 2_000_000_000n, 100, 1),
      trade(1, 5, T0 + 2_000_000_000n, 200, 3),
    ]);
    expect(summary.reordered).toBe(4); // rows 5, 2, 4, 1, 3 of the file: the 2nd stays in place
    expect(summary.scan.outOfOrderRows).toBe(3);
  });

  it("--sort on random data equals a stable sort by time; on sorted data it changes nothing (seeded)", () => {
    const seed = testSeed("csv --sort");
    const rand = prng(seed);
    const n = 5000;
    const times = Array.from({ length: n }, () => randInt(rand, 0, 300));
    const text = ["time,symbol,price,size", ...times.map((t, i) => `${t},S${i % 3},${i}.${i % 10},${i % 7}`)].join("\n");
    const { rec, summary } = importTo(csvFile("random.csv", text), { format: "trades", sort: true, timeUnit: "s" });
    const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
    const got = rows(rec);
    expect(got.map((r) => r.price)).toEqual(expected.map(({ i }) => i * 10 + (i % 10)));
    expect(got.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, k) => k + 1));
    expect(summary.reordered).toBeGreaterThan(0);
    const sorted = importTo(fixture("trades.csv"), { format: "trades", sort: true });
    const plain = importTo(fixture("trades.csv"), { format: "trades" });
    expect(readFileSync(sorted.out).equals(readFileSync(plain.out))).toBe(true);
    expect(sorted.summary.reordered).toBe(0);
  });
});

describe("decimals", () => {
  it("default: the most significant decimals each symbol uses; trailing zeros do not count", () => {
    const { rec } = importTo(csvFile("dec.csv", "time,symbol,price,size\n1,A,1.50,1.000\n2,A,2.25,2\n3,B,100.0,3\n4,C,0.000000001,0.5\n"), { format: "trades" });
    expect(rec.header.instruments.map((i) => [i.symbol, i.priceDecimals, i.qtyDecimals])).toEqual([["A", 2, 0], ["B", 0, 0], ["C", 9, 1]]);
    expect(rows(rec).map((r) => [r.price, r.qty])).toEqual([[150, 1], [225, 2], [100, 3], [1, 5]]);
  });

  it("an explicit --price-decimals/--qty-decimals refuses a value with more, naming the line", () => {
    const csv = csvFile("dec2.csv", "time,symbol,px,qty\n1,A,1.5,1\n2,A,1.125,1\n");
    expectRefused(csv, { format: "trades", priceDecimals: 2 }, `${csv}:3: price ('px') '1.125' has 3 decimals, more than --price-decimals 2`);
    const csv2 = csvFile("dec3.csv", "time,symbol,bid,bid_size,ask,ask_size\n1,A,1,1.5,2,1\n");
    expectRefused(csv2, { format: "quotes", qtyDecimals: 0 }, `${csv2}:2: bid_size '1.5' has 1 decimals, more than --qty-decimals 0`);
  });

  it("refuses more than 9 decimals and values beyond 2^53 ticks", () => {
    const csv = csvFile("dec4.csv", "time,symbol,price,size\n1,A,0.0000000001,1\n");
    expectRefused(csv, { format: "trades" }, `${csv}:2: price '0.0000000001' has 10 decimals; a recording allows at most 9`);
    const big = csvFile("dec5.csv", "time,symbol,price,size\n1,A,0.000000001,1\n2,A,90071992.5,1\n");
    expectRefused(big, { format: "trades" }, `${big}:3: price '90071992.5' is beyond 2^53 units at 9 decimals`);
  });
});

describe("every bad line is one FILE:LINE error and no output", () => {
  const cases: [string, string, Partial<CsvImportOptions>, string][] = [
    ["bad price", "time,symbol,price,size\n1,A,1.5,1\n2,A,1,5,1\n", {}, ":3: 5 fields, expected 4 (as on line 1)"],
    ["not a number", "time,symbol,price,size\n1,A,1.5,1\n2,A,abc,1\n", {}, ":3: price 'abc' is not a decimal number"],
    ["scientific", "time,symbol,price,size\n1,A,1e3,1\n", {}, ":2: price '1e3' is in scientific notation; write the decimal digits"],
    ["empty price", "time,symbol,price,size\n1,A,,1\n", {}, ":2: price is empty"],
    ["negative size", "time,symbol,price,size\n1,A,1,-1\n", {}, ":2: size '-1' is negative"],
    ["bad side", "time,symbol,price,size,side\n1,A,1,1,bid\n", {}, ":2: side 'bid' is not buy, sell, b, s or empty (unknown)"],
    ["long symbol", "time,symbol,price,size\n1,ABCDEFGHIJKLMNOPQ,1,1\n", {}, ":2: symbol 'ABCDEFGHIJKLMNOPQ' must be 1..16 printable ASCII characters without spaces"],
    ["space in symbol", "time,symbol,price,size\n1,\"A B\",1,1\n", {}, ":2: symbol 'A B' must be 1..16 printable ASCII characters without spaces"],
    ["bad time", "time,symbol,price,size\n2026-02-30T00:00:00Z,A,1,1\n", {}, ":2: time '2026-02-30T00:00:00Z' has day 30, not in 2026-02"],
    ["mixed shapes", "time,symbol,price,size\n2026-01-05T14:30:00Z,A,1,1\n1767623400,A,1,1\n", {}, ":3: time '1767623400' is an epoch number, but line 2 has an ISO-8601 time ('2026-01-05T14:30:00Z'); a file uses one shape"],
    ["mixed shapes 2", "time,symbol,price,size\n1767623400,A,1,1\n2026-01-05T14:30:00Z,A,1,1\n", {}, ":3: time '2026-01-05T14:30:00Z' is an ISO-8601 time, but line 2 has an epoch number ('1767623400'); a file uses one shape"],
    ["mixed magnitudes", "time,symbol,price,size\n1767623400,A,1,1\n1767623400001,A,1,1\n", {}, ":3: time '1767623400001' looks like epoch milliseconds, but line 2 ('1767623400') looked like epoch seconds; pass --time-unit s|ms|us|ns"],
    ["negative time", "time,symbol,price,size\n-5,A,1,1\n", {}, ":2: time '-5' is negative (times before 1970 are not supported)"],
    ["crossed", "time,symbol,bid,bid_size,ask,ask_size\n1,A,100.51,1,100.5,1\n", { format: "quotes" }, ":2: crossed quote: bid 100.51 is above ask 100.5"],
    ["half a side", "time,symbol,bid,bid_size,ask,ask_size\n1,A,,1,100.5,1\n", { format: "quotes" }, ":2: bid is empty but bid_size is not (leave both empty for a quote without that side)"],
    ["unterminated quote", "time,symbol,price,size\n1,\"A,1,1\n", {}, ":2: field 2 has an opening quote but no closing quote (quoted fields cannot span lines)"],
    ["no header", "1,A,1,1\n", {}, ":1: no header row (the first line has numbers); name the columns with --columns time,symbol,price,size,side (in the file's column order, '-' to skip one) or role=N pairs"],
    ["missing column", "time,symbol,price\n1,A,1\n", {}, ":1: no size column in the header (looked for size, qty, quantity, volume, vol, amount, trade_size, trade_qty, shares, lots, sz); name it with --columns size=NAME"],
    ["NUL", "time,symbol,price,size\n1,A,1,1\n2,A\u0000,1,1\n", {}, ":3: contains a NUL byte (not a text CSV file)"],
    ["CR-only line ends", "time,symbol,price,size\r1,A,1,1\r2,A,1,1\r", {}, ":1: has a carriage return inside the line: lines must end in LF or CRLF, not CR alone (convert the file, e.g. tr '\\r' '\\n')"],
  ];
  for (const [name, text, o, suffix] of cases) {
    it(name, () => {
      const csv = csvFile(`${name.replace(/ /g, "_")}.csv`, text);
      expectRefused(csv, { format: "trades", ...o }, `${csv}${suffix}`);
    });
  }

  it("files that are empty, header-only, missing, a directory, or the output itself", () => {
    const empty = csvFile("empty.csv", "");
    expectRefused(empty, { format: "trades" }, `${empty}: is empty (expected a header row and data rows)`);
    const blank = csvFile("blank.csv", "\n  \n\n");
    expectRefused(blank, { format: "trades" }, `${blank}: is empty (expected a header row and data rows)`);
    const header = csvFile("header.csv", "time,symbol,price,size\n");
    expectRefused(header, { format: "trades" }, `${header}: has no data rows`);
    expectRefused(join(dir, "nope.csv"), { format: "trades" }, `csv file '${join(dir, "nope.csv")}' does not exist`);
    expectRefused(dir, { format: "trades" }, `csv file '${dir}' is a directory, expected a file`);
    const self = csvFile("self.csv", "time,symbol,price,size\n1,A,1,1\n");
    expect(() => importCsvFile(self, self, { format: "trades" })).toThrow(`${self}: is the input CSV; choose another output file`);
    expect(readFileSync(self, "utf8")).toBe("time,symbol,price,size\n1,A,1,1\n");
  });

  it("a bad row after many good ones still leaves nothing behind", () => {
    const lines = ["time,symbol,price,size"];
    for (let i = 0; i < 20_000; i++) lines.push(`${i},A,1.5,1`);
    lines.push("20000,A,oops,1");
    const csv = csvFile("late.csv", lines.join("\n"));
    expectRefused(csv, { format: "trades", timeUnit: "s" }, `${csv}:20002: price 'oops' is not a decimal number`);
  });
});

describe("streaming", () => {
  it("reads lines across chunk boundaries (CRLF, BOM, no final newline) without loading the file", () => {
    const seed = testSeed("csv chunk boundaries");
    const rand = prng(seed);
    const lines = ["\ufefftime,symbol,price,size"];
    let t = 0;
    let bytes = 0;
    const expected: [number, number, number][] = [];
    while (bytes < 2.5 * CHUNK_BYTES) {
      t += randInt(rand, 0, 3);
      const pad = " ".repeat(randInt(rand, 0, 40)); // shifts line ends across the 1 MiB chunk edges
      const price = randInt(rand, 1, 99999);
      const qty = randInt(rand, 0, 1000);
      const line = `${t},S${price % 5},${Math.floor(price / 100)}.${String(price % 100).padStart(2, "0")}${pad},${qty}`;
      lines.push(line);
      expected.push([t, price, qty]);
      bytes += line.length + 2;
    }
    const csv = csvFile("big.csv", lines.join("\r\n"));
    const scan = scanCsv(csv, { format: "trades", timeUnit: "ms", priceDecimals: 2 });
    expect(scan.rows).toBe(expected.length);
    const { rec } = importTo(csv, { format: "trades", timeUnit: "ms", priceDecimals: 2 });
    const got = rows(rec);
    expect(got.map((r) => [Number(r.timeNs / 1_000_000n), r.price, r.qty])).toEqual(expected);
  });

  it("refuses a line longer than 1 MiB (a binary file, say) instead of buffering it", () => {
    const csv = csvFile("long.csv", `time,symbol,price,size\n${"x".repeat(1_100_000)}\n`);
    expectRefused(csv, { format: "trades" }, `${csv}:2: line is longer than 1048576 bytes (is this a CSV file?)`);
  });
});
