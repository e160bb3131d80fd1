/**
 * `ringfence record csv`, run as a user runs it (node bin/ringfence.mjs …):
 * the summary lines, exit codes, one-line errors that name FILE:LINE, no
 * partial output, byte-identical files for equal inputs, and a recording
 * that `inspect` and `backtest` accept.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeRecording } from "../../../host/feed/recording.ts";
import { hasStackTrace, runCli, type CliResult } from "../../support/cli.ts";
import { distPath, repoRoot } from "../../support/dist.ts";

const dir = mkdtempSync(join(tmpdir(), "rf-cli-record-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string) => join(repoRoot, "test", "fixtures", "csv", name);

function expectOneLineError(r: CliResult, code: number, expected: string | RegExp): void {
  expect(r.code, `stderr: ${r.stderr}`).toBe(code);
  expect(r.stdout).toBe("");
  expect(hasStackTrace(r.stderr)).toBe(false);
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  expect(lines, r.stderr).toHaveLength(1);
  if (typeof expected === "string") expect(lines[0]).toBe(`ringfence: ${expected}`);
  else expect(lines[0]).toMatch(expected);
}

function noLeftovers(): void {
  expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
}

describe("ringfence record csv", () => {
  it("writes the recording and prints what it did: counts, sha256, the time unit, the instruments", () => {
    const out = join(dir, "trades.rfr");
    const r = runCli(["record", "csv", fixture("trades.csv"), "--format", "trades", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const bytes = readFileSync(out);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(r.stdout).toBe(
      [
        `wrote ${out}: 5 trades, 2 instruments, ${bytes.length} bytes, sha256 ${sha}`,
        "  time: ISO-8601",
        "  range: 2026-01-05T14:30:00.000000001Z .. 2026-01-05T14:30:01.123456789Z",
        "  rows: 5 after a header row; in time order",
        "  instruments: AAPL (id 0, 3 rows, priceDecimals 2, qtyDecimals 0), MSFT (id 1, 2 rows, priceDecimals 3, qtyDecimals 0)",
        "",
      ].join("\n"),
    );
    expect(decodeRecording(bytes, out).count).toBe(5);
    noLeftovers();
  });

  it("says which epoch unit it detected, and that --time-unit overrides it", () => {
    const out = join(dir, "quotes.rfr");
    const r = runCli(["record", "csv", fixture("quotes_databento.csv"), "--format", "quotes", "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("\n  time: epoch nanoseconds (detected from the magnitude of '1767623400000000000' on line 2; --time-unit to override)\n");
    const flagged = runCli(["record", "csv", fixture("trades_noheader.tsv"), "--format", "trades", "--delimiter", "tab", "--columns", "time,symbol,price,size", "--time-unit", "s", "-o", join(dir, "tsv.rfr")]);
    expect(flagged.code, flagged.stderr).toBe(0);
    expect(flagged.stdout).toContain("\n  time: epoch seconds (--time-unit s)\n  range: 2026-01-05T14:30:00.000001000Z .. 2026-01-05T14:30:01.000000000Z\n  rows: 3 (no header row); in time order\n");
  });

  it("--sort says how many rows it moved; equal inputs give byte-identical files", () => {
    const a = join(dir, "sorted-a.rfr");
    const b = join(dir, "sorted-b.rfr");
    const ra = runCli(["record", "csv", fixture("trades_unsorted.csv"), "--format", "trades", "--sort", "-o", a]);
    const rb = runCli(["record", "csv", "--sort", "-o", b, "--format", "trades", fixture("trades_unsorted.csv")]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(ra.stdout).toContain("  rows: 5 after a header row; 4 rows moved by --sort (stable)\n");
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it("the recording is one that inspect and backtest accept", () => {
    const out = join(dir, "for-backtest.rfr");
    const lines = ["time,symbol,bid,bid_size,ask,ask_size"];
    for (let i = 0; i < 3000; i++) {
      const bid = 10000 + Math.round(40 * Math.sin(i / 50)) + (i % 3);
      lines.push(`${1767623400000 + i * 7},XYZ,${Math.floor(bid / 100)}.${String(bid % 100).padStart(2, "0")},${100 + (i % 9)},${Math.floor((bid + 1) / 100)}.${String((bid + 1) % 100).padStart(2, "0")},${80 + (i % 5)}`);
    }
    const csv = join(dir, "quotes.csv");
    writeFileSync(csv, lines.join("\n") + "\n");
    expect(runCli(["record", "csv", csv, "--format", "quotes", "-o", out]).code).toBe(0);
    const inspect = runCli(["inspect", out, "--json"]);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ source: "csv", events: 3000 });
    const bt = runCli(["backtest", "--data", out, "--strategy", distPath("strategies/market-maker.wasm"), "--json"]);
    expect(bt.code, bt.stderr).toBe(0);
    expect(JSON.parse(bt.stdout)).toMatchObject({ events: 3000 });
  });

  it("a bad row is one FILE:LINE line, exit 1, and no output file", () => {
    const csv = join(dir, "bad.csv");
    writeFileSync(csv, "time,symbol,price,size\n2026-01-05T14:30:00Z,A,1.5,1\n2026-01-05T14:30:01Z,A,1.5.1,1\n");
    const out = join(dir, "bad.rfr");
    expectOneLineError(runCli(["record", "csv", csv, "--format", "trades", "-o", out]), 1, `${csv}:3: price '1.5.1' is not a decimal number`);
    expect(existsSync(out)).toBe(false);
    expectOneLineError(
      runCli(["record", "csv", fixture("trades_unsorted.csv"), "--format", "trades", "-o", out]),
      1,
      /trades_unsorted\.csv:3: time 2026-01-05T14:30:01\.000000000Z is before .* on line 2; rows must be in time order \(pass --sort/,
    );
    expectOneLineError(runCli(["record", "csv", join(dir, "missing.csv"), "--format", "trades", "-o", out]), 1, `csv file '${join(dir, "missing.csv")}' does not exist`);
    expectOneLineError(runCli(["record", "csv", fixture("trades.csv"), "--format", "trades", "-o", join(dir, "no", "x.rfr")]), 1, /cannot write: directory '.*no' does not exist/);
    expect(existsSync(out)).toBe(false);
    noLeftovers();
  });

  it("refuses bad flags with one usage line (exit 2)", () => {
    const f = fixture("trades.csv");
    const cases: [string[], RegExp][] = [
      [["record", "csv", "--format", "trades", "-o", "x"], /record csv: expected one CSV file, got 0/],
      [["record", "csv", f, f, "--format", "trades", "-o", "x"], /record csv: expected one CSV file, got 2/],
      [["record", "csv", f, "-o", "x"], /record csv: --format trades\|quotes is required/],
      [["record", "csv", f, "--format", "bars", "-o", "x"], /record csv: --format must be trades or quotes, got 'bars'/],
      [["record", "csv", f, "--format", "trades"], /record csv: -o FILE is required/],
      [["record", "csv", f, "--format", "trades", "--time-unit", "min", "-o", "x"], /--time-unit must be s, ms, us or ns, got 'min'/],
      [["record", "csv", f, "--format", "trades", "--price-decimals", "10", "-o", "x"], /--price-decimals must be an integer 0\.\.9, got '10'/],
      [["record", "csv", f, "--format", "trades", "--qty-decimals=-1", "-o", "x"], /--qty-decimals must be an integer >= 0, got '-1'/],
      [["record", "csv", f, "--format", "trades", "--columns", "time,symbol,bid", "-o", "x"], /record csv: --columns: 'bid' is not a column role of --format trades/],
      [["record", "csv", f, "--format", "trades", "--delimiter", ";;", "-o", "x"], /--delimiter must be one character \(or 'tab'\), got ';;'/],
      [["record", "csv", f, "--format", "trades", "--symbol", "A B", "-o", "x"], /--symbol must be 1\.\.16 printable ASCII characters/],
      [["record", "csv", f, "--format", "trades", "--seed", "1", "-o", "x"], /record csv: --seed is not an option of this source/],
      [["record", "synthetic", "--seed", "1", "--events", "5", "--format", "trades", "-o", "x"], /record synthetic: --format is not an option of this source/],
    ];
    for (const [args, pattern] of cases) expectOneLineError(runCli(args), 2, pattern);
  });
});
