// The in-process backtest reads its recording a block at a time
// (`runBacktest` given a RecordingReader, as `ringfence backtest` does): the
// report, the audit chains and the report's chart series are those of the
// same recording held whole, whatever the file's block size; the backtest
// never asks the reader for more than one block's room; and a recording
// damaged past its first blocks ends the backtest with the reader's one line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EVENT_RECORD_WORDS } from "../../../host/abi/eventRecord.ts";
import { encodeAuditFile } from "../../../host/audit/auditFile.ts";
import { runBacktest } from "../../../host/backtest/backtest.ts";
import { RECORDS_PER_BLOCK_MAX } from "../../../host/feed/recordingFormat.ts";
import { RecordingReader } from "../../../host/feed/recordingReader.ts";
import { RecordingWriter } from "../../../host/feed/recordingWriter.ts";
import { generateSynthetic } from "../../../host/feed/synthetic.ts";
import type { Recording } from "../../../host/feed/recording.ts";
import { hasStackTrace, runCli } from "../../support/cli.ts";
import { spec } from "../../support/backtestHarness.ts";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { distPath } from "../../support/dist.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";

const seed = testSeed("backtest.streamed");
const rand = prng(seed);
const root = mkdtempSync(join(tmpdir(), "rf-streamed-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const NAMES = ["market-maker", "momentum", "mean-reversion"];
const specs = () => NAMES.map((n) => spec(new Uint8Array(readFileSync(distPath(`strategies/${n}.wasm`))), { label: n }));

/** `rec` written with blocks of `perBlock` records. */
function written(rec: Recording, perBlock: number): string {
  const path = join(root, `r${perBlock}-${rec.count}.rfr`);
  const w = RecordingWriter.toFile(path, rec.header, { recordsPerBlock: perBlock });
  w.append(rec.events, 0, rec.count);
  w.finish();
  return path;
}

function streamedRun(path: string, o: { seriesPoints?: number } = {}) {
  const reader = RecordingReader.openFile(path);
  try {
    return runBacktest({ recording: reader, strategies: specs(), keepAudit: true, ...o });
  } finally {
    reader.close();
  }
}

describe("a streamed backtest", () => {
  it("gives the report, audit file and chart series of the whole recording, for any block size (seeded)", () => {
    console.log(`seed ${seed}`);
    const rec = generateSynthetic({ seed: randInt(rand, 1, 1_000_000), events: randInt(rand, 20_000, 40_000), instruments: randInt(rand, 1, 3) });
    const whole = runBacktest({ recording: rec, strategies: specs(), keepAudit: true, seriesPoints: 500 });
    expect(whole.report.strategies.some((s) => s.fills > 0)).toBe(true);
    for (const perBlock of [1 + randInt(rand, 0, 50), randInt(rand, 100, RECORDS_PER_BLOCK_MAX), RECORDS_PER_BLOCK_MAX]) {
      const run = streamedRun(written(rec, perBlock), { seriesPoints: 500 });
      expect(JSON.stringify(run.report), `${perBlock} records per block`).toBe(JSON.stringify(whole.report));
      expect(Buffer.from(encodeAuditFile(run.auditLogs)).equals(Buffer.from(encodeAuditFile(whole.auditLogs)))).toBe(true);
    }
  });

  it("asks the reader for one block's room at most, always the same buffer", () => {
    const rec = generateSynthetic({ seed: randInt(rand, 1, 1_000_000), events: 3 * RECORDS_PER_BLOCK_MAX + randInt(rand, 1, 1000), instruments: 2 });
    const reader = RecordingReader.openFile(written(rec, RECORDS_PER_BLOCK_MAX));
    const buffers = new Set<Int32Array>();
    const read = reader.readBlock.bind(reader);
    reader.readBlock = (dest: Int32Array, at: number) => {
      buffers.add(dest);
      expect(at).toBe(0);
      return read(dest, at);
    };
    try {
      expect(runBacktest({ recording: reader, strategies: specs() }).report.events).toBe(rec.count);
    } finally {
      reader.close();
    }
    expect(buffers.size).toBe(1);
    expect([...buffers][0].length).toBe(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS);
  });

  it("an empty recording runs no event, as held whole", () => {
    const rec = generateSynthetic({ seed: 1, events: 1, instruments: 1 });
    const empty = { ...rec, events: rec.events.subarray(0, 0), count: 0 };
    const run = streamedRun(written(empty, 64));
    expect(run.report).toEqual(runBacktest({ recording: empty, strategies: specs(), keepAudit: true }).report);
    expect(run.report.events).toBe(0);
  });
});

describe("a file whose trailer does not hold", () => {
  it("is refused with the reader's line before any strategy runs (rf_start never called)", () => {
    const rec = generateSynthetic({ seed: randInt(rand, 1, 1_000_000), events: 5000, instruments: 2 });
    const bytes = readFileSync(written(rec, 512));
    bytes[bytes.length - 5] ^= 0xff; // inside the trailer's checksummed part
    const path = join(root, "bad-trailer.rfr");
    writeFileSync(path, bytes);
    const logged: string[] = [];
    const talker = spec(wat(strategyWat({
      imports: `(import "ringfence" "log" (func $log (param i32 i32 i32) (result i32)))`,
      callbacks: { rf_start: "(drop (call $log (i32.const 1) (i32.const 0) (i32.const 1)))" },
    })), { label: "talker" });
    const reader = RecordingReader.openFile(path);
    try {
      expect(() => runBacktest({ recording: reader, strategies: [talker], seriesPoints: 100, logSink: (_s, _l, _t, text) => logged.push(text) }))
        .toThrow(/^.*bad-trailer\.rfr: trailer at byte \d+ fails its checksum/);
    } finally {
      reader.close();
    }
    expect(logged).toEqual([]);
  });
});

describe("ringfence backtest streams its --data", () => {
  const rec = generateSynthetic({ seed: randInt(rand, 1, 1_000_000), events: 30_000, instruments: 2 });
  const path = written(rec, 512);
  const cli = (data: string, ...more: string[]) => runCli(["backtest", "--data", data, "--strategy", distPath("strategies/momentum.wasm"), "--json", ...more]);

  it("prints the report of the lossless-ring backtest, which reads the recording whole", () => {
    const inProcess = cli(path);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    const workers = cli(path, "--workers", "2");
    expect(workers.code, workers.stderr).toBe(0);
    expect(inProcess.stdout).toBe(workers.stdout);
  });

  it("a damaged block past the first ones ends it with the reader's one line and no report", () => {
    const bytes = readFileSync(path);
    // A byte in the last quarter of the events: read after strategies ran on the blocks before it.
    const at = randInt(rand, Math.floor(bytes.length * 0.75), bytes.length - 200);
    bytes[at] ^= 0x10;
    const damaged = join(root, "damaged.rfr");
    writeFileSync(damaged, bytes);
    const r = cli(damaged);
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^ringfence: .*damaged\.rfr: (block \d+ at byte \d+ fails its checksum|.*)/);
    expect(r.stdout).toBe("");
  });
});
