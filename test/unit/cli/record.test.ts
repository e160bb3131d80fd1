/**
 * `ringfence record synthetic` and `ringfence inspect`, run as a user runs
 * them (node bin/ringfence.mjs …): exit codes, one-line errors, no stack
 * frames, byte-identical output for equal flags.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeRecording } from "../../../host/feed/recording.ts";
import { BLOCK_HEADER_BYTES, PrefixOffset } from "../../../host/feed/recordingFormat.ts";
import { hasStackTrace, runCli, type CliResult } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";

const dir = mkdtempSync(join(tmpdir(), "rf-cli-record-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code, `stderr: ${r.stderr}`).toBe(code);
  expect(r.stdout).toBe("");
  expect(hasStackTrace(r.stderr)).toBe(false);
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0].startsWith("ringfence: ")).toBe(true);
  expect(lines[0]).toMatch(pattern);
}

function record(name: string, ...flags: string[]): { path: string; r: CliResult } {
  const path = join(dir, name);
  return { path, r: runCli(["record", "synthetic", ...flags, "-o", path]) };
}

describe("ringfence record synthetic", () => {
  it("writes the file and prints one summary line with its size and sha256", () => {
    const { path, r } = record("a.rfr", "--seed", "7", "--events", "10000", "--instruments", "3");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const bytes = readFileSync(path);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(r.stdout).toBe(`wrote ${path}: 10000 events, 3 instruments, ${bytes.length} bytes, sha256 ${sha}\n`);
    const rec = decodeRecording(bytes, path);
    expect(rec.count).toBe(10000);
    expect(rec.header.createdBy).toMatchObject({ seed: 7, events: 10000, instruments: 3 });
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("the same flags give a byte-identical file; another seed does not", () => {
    const a = record("same1.rfr", "--seed", "11", "--events", "5000");
    const b = record("same2.rfr", "--events", "5000", "--seed", "11");
    const c = record("other.rfr", "--seed", "12", "--events", "5000");
    for (const x of [a, b, c]) expect(x.r.code, x.r.stderr).toBe(0);
    expect(readFileSync(a.path).equals(readFileSync(b.path))).toBe(true);
    expect(readFileSync(a.path).equals(readFileSync(c.path))).toBe(false);
    expect(decodeRecording(readFileSync(a.path), a.path).header.instruments).toHaveLength(4); // the default
  });

  it("refuses bad flags with one usage line (exit 2)", () => {
    const cases: [string[], RegExp][] = [
      [["record"], /record: expected exactly one source/],
      [["record", "ftp", "--seed", "1", "--events", "1", "-o", "x"], /record: unknown source 'ftp', expected 'synthetic' or 'csv'/],
      [["record", "synthetic", "--events", "10", "-o", "x"], /record: --seed N is required/],
      [["record", "synthetic", "--seed", "1", "-o", "x"], /record: --events N is required/],
      [["record", "synthetic", "--seed", "1", "--events", "10"], /record: -o FILE is required/],
      [["record", "synthetic", "--seed", "1", "--events=-1", "-o", "x"], /--events must be an integer >= 0, got '-1'/],
      [["record", "synthetic", "--seed", "1", "--events", "100000001", "-o", "x"], /--events must be an integer 0\.\.100000000, got '100000001'/],
      [["record", "synthetic", "--seed", "1", "--events", "1e3", "-o", "x"], /--events must be an integer, got '1e3'/],
      [["record", "synthetic", "--seed", "1", "--events", "10", "--instruments", "0", "-o", "x"], /--instruments must be an integer >= 1/],
      [["record", "synthetic", "--seed", "1", "--events", "10", "--instruments", "65", "-o", "x"], /--instruments must be an integer 1\.\.64, got '65'/],
      [["record", "synthetic", "--seed", "x", "--events", "10", "-o", "x"], /--seed must be an integer, got 'x'/],
      [["record", "synthetic", "--seed", "1", "--events", "10", "--speed", "2", "-o", "x"], /record: .*--speed/],
    ];
    for (const [args, pattern] of cases) expectOneLineError(runCli(args), 2, pattern);
  });

  it("--events 0 writes an empty recording, and everything that reads one takes it: inspect, backtest, run --record, replay", () => {
    const { path, r } = record("empty.rfr", "--seed", "3", "--events", "0", "--instruments", "2");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${path}: 0 events, 2 instruments, \\d+ bytes, sha256 [0-9a-f]{64}\n$`));
    const rec = decodeRecording(readFileSync(path), path);
    expect(rec.count).toBe(0);
    expect(rec.header.instruments).toHaveLength(2);

    const inspected = runCli(["inspect", path, "--json"]);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(JSON.parse(inspected.stdout)).toMatchObject({ events: 0, time: null });

    const strategy = distPath("strategies/momentum.wasm");
    const bt = runCli(["backtest", "--data", path, "--strategy", strategy, "--json"]);
    expect(bt.code, bt.stderr).toBe(0);
    const report = JSON.parse(bt.stdout);
    expect(report.events).toBe(0);
    expect(report.strategies[0]).toMatchObject({ orders: 0, fills: 0, faults: [] });

    const session = join(dir, "empty-session");
    const live = runCli(["run", "--feed", path, "--strategy", strategy, "--record", session, "--json"]);
    expect(live.code, live.stderr).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject({ events: 0, auditHash: report.auditHash });
    const replayed = runCli(["replay", session, "--json"]);
    expect(replayed.code, replayed.stderr + replayed.stdout).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ ok: true, complete: true, events: 0 });
  });

  it("names an output it cannot write (exit 1), leaving nothing behind", () => {
    const missing = join(dir, "no", "such", "x.rfr");
    expectOneLineError(runCli(["record", "synthetic", "--seed", "1", "--events", "10", "-o", missing]), 1, /cannot write: directory '.*no\/such' does not exist/);
    const sub = join(dir, "sub");
    mkdirSync(sub);
    expectOneLineError(runCli(["record", "synthetic", "--seed", "1", "--events", "10", "-o", sub]), 1, /sub: cannot write: it is a directory/);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });
});

describe("ringfence inspect", () => {
  const { path } = record("inspect.rfr", "--seed", "3", "--events", "20000", "--instruments", "2");

  it("prints header, kinds, time range and a row per instrument", () => {
    const r = runCli(["inspect", path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`${path}: ringfence-recording v1, 20000 events in 5 blocks, ${statSync(path).size} bytes`);
    expect(r.stdout).toMatch(/created by +events=20000 generator=synthetic-v1 instruments=2 seed=3/);
    expect(r.stdout).toMatch(/time +2026-01-05T14:30:00\.\d{9}Z \.\. 2026-01-05T14:\d\d:\d\d\.\d{9}Z \(\d+\.\d{3} s\)/);
    expect(r.stdout).toMatch(/kinds +quote \d+, trade \d+, fill 0, order_update 0, timer 0/);
    expect(r.stdout).toMatch(/^0 +SYN0 /m);
    expect(r.stdout).toMatch(/^1 +SYN1 /m);
    expect(r.stdout).toMatch(/\d\.\d\d ticks$/m);
  });

  it("--json agrees with the events in the file", () => {
    const r = runCli(["inspect", path, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const rec = decodeRecording(readFileSync(path), path);
    expect(report).toMatchObject({ file: path, bytes: statSync(path).size, version: 1, source: "synthetic", events: 20000, blocks: 5, eventsSha256: rec.eventsSha256 });
    expect(report.kinds.quote + report.kinds.trade).toBe(20000);
    expect(report.time.first.startsWith("2026-01-05T14:30:00.")).toBe(true);
    expect(report.instruments).toHaveLength(2);
    let trades = 0;
    for (const s of report.instruments) {
      expect(s.quotes + s.trades).toBeGreaterThan(0);
      expect(s.buyTrades + s.sellTrades).toBe(s.trades);
      expect(Number(s.mid.min)).toBeLessThanOrEqual(Number(s.mid.last));
      expect(Number(s.mid.last)).toBeLessThanOrEqual(Number(s.mid.max));
      expect(s.trade.min).toMatch(/^\d+\.\d\d$/);
      expect(s.avgSpreadTicks).toBeGreaterThanOrEqual(1);
      expect(s.avgSpreadTicks).toBeLessThanOrEqual(3);
      trades += s.trades;
    }
    expect(trades).toBe(report.kinds.trade);
  });

  it("refuses damaged and wrong files with one line (exit 1)", () => {
    const good = readFileSync(path);
    const write = (name: string, bytes: Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    };
    const headerBytes = good.readUInt32LE(PrefixOffset.headerBytes);
    const firstBlock = Math.ceil((24 + headerBytes) / 8) * 8;
    const flipped = Buffer.from(good);
    flipped[firstBlock + BLOCK_HEADER_BYTES + 100] ^= 0x10;
    const future = Buffer.from(good);
    future.writeUInt32LE(2, PrefixOffset.version);
    const cut = firstBlock + BLOCK_HEADER_BYTES + 1000;
    const cases: [string, RegExp][] = [
      [join(dir, "missing.rfr"), /^ringfence: recording '.*missing\.rfr' does not exist$/],
      [dir, /is a directory, expected a file/],
      [write("empty.rfr", new Uint8Array(0)), /is empty \(0 bytes\)/],
      [write("cut.rfr", good.subarray(0, cut)), new RegExp(`cut\\.rfr: truncated in block 0 at byte ${cut} \\(expected ${4096 * 64 - 1000} more bytes\\)$`)],
      [write("flip.rfr", flipped), new RegExp(`flip\\.rfr: block 0 at byte ${firstBlock} fails its checksum`)],
      [write("future.rfr", future), /future\.rfr: unsupported recording version 2, this ringfence reads 1$/],
      [write("json.rfr", new TextEncoder().encode('{"events": []}')), /json\.rfr: not a ringfence recording/],
    ];
    for (const [p, pattern] of cases) {
      expectOneLineError(runCli(["inspect", p]), 1, pattern);
      expectOneLineError(runCli(["inspect", p, "--json"]), 1, pattern);
    }
  });

  it("refuses bad usage with one line (exit 2)", () => {
    expectOneLineError(runCli(["inspect"]), 2, /inspect: expected exactly one recording FILE, got 0/);
    expectOneLineError(runCli(["inspect", path, path]), 2, /inspect: expected exactly one recording FILE, got 2/);
    expectOneLineError(runCli(["inspect", path, "--verbose"]), 2, /inspect: .*--verbose/);
  });
});
