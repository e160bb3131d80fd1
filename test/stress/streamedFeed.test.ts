// `run --feed FILE` and `backtest --workers N` publish a recording file a
// block at a time (host/feed/eventFeed.ts) instead of reading it whole: the
// same decisions as the in-process backtest, a --record session whose
// feed.rfr holds exactly the events published (copied from the file), and a
// file damaged past its first blocks is the reader's one line with the
// workers stopped — never a hang or a report over part of the file.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readRecordingFile } from "../../host/feed/recording.ts";
import { RecordingWriter } from "../../host/feed/recordingWriter.ts";
import { generateSynthetic } from "../../host/feed/synthetic.ts";
import { hasStackTrace, runCli, runCliActing } from "../support/cli.ts";
import { TrailerOffset } from "../../host/feed/recordingFormat.ts";
import { layoutOf, reseal } from "../unit/feed/feedHelpers.ts";
import { distPath } from "../support/dist.ts";
import { prng, randInt, testSeed } from "../support/seed.ts";

const seed = testSeed("stress.streamedFeed");
const rand = prng(seed);
const root = mkdtempSync(join(tmpdir(), "rf-streamed-feed-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Small blocks of a random size: many refills of the feed's window.
const perBlock = randInt(rand, 50, 700);
const rec = generateSynthetic({ seed: randInt(rand, 1, 1_000_000), events: randInt(rand, 20_000, 30_000), instruments: 2 });
const data = join(root, "feed.rfr");
{
  const w = RecordingWriter.toFile(data, rec.header, { recordsPerBlock: perBlock });
  w.append(rec.events, 0, rec.count);
  w.finish();
}
const strategies = () => ["momentum", "mean-reversion"].flatMap((n) => ["--strategy", distPath(`strategies/${n}.wasm`)]);

/** A copy of the feed file with one byte flipped in its last quarter (a block the run reaches after publishing others). */
function damaged(): string {
  const bytes = readFileSync(data);
  bytes[randInt(rand, Math.floor(bytes.length * 0.75), bytes.length - 100)] ^= 0x20;
  const p = join(root, `damaged-${randInt(rand, 0, 1e9)}.rfr`);
  writeFileSync(p, bytes);
  return p;
}

describe("a recording file fed to the rings a block at a time", () => {
  it("backtest --workers 2 prints the in-process backtest's report (seeded block size)", () => {
    console.log(`seed ${seed}: ${rec.count} events in blocks of ${perBlock}`);
    const inProcess = runCli(["backtest", "--data", data, ...strategies(), "--json"]);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    const workers = runCli(["backtest", "--data", data, ...strategies(), "--workers", "2", "--json"]);
    expect(workers.code, workers.stderr).toBe(0);
    expect(workers.stdout).toBe(inProcess.stdout);
  });

  it("run --feed FILE --record: the session's feed.rfr holds exactly the events published, and it replays", () => {
    const session = join(root, "session");
    const r = runCli(["run", "--feed", data, ...strategies(), "--workers", "2", "--lossless", "--rate", "0", "--record", session, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).events).toBe(rec.count);
    const kept = readRecordingFile(join(session, "feed.rfr"));
    expect(kept.count).toBe(rec.count);
    expect(kept.eventsSha256).toBe(readRecordingFile(data).eventsSha256);
    expect(kept.header.source).toBe(`session of ${rec.header.source}`);
    const replay = runCli(["replay", session]);
    expect(replay.code, replay.stderr).toBe(0);
  });

  it("a session of a run stopped early keeps the published prefix, copied from the file", () => {
    const session = join(root, "short");
    // Paced: 2 000 events a second for 1 s publishes only part of the file.
    const r = runCli(["run", "--feed", data, ...strategies(), "--workers", "1", "--rate", "2000", "--duration", "1", "--record", session, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const published = JSON.parse(r.stdout).events;
    expect(published).toBeGreaterThan(0);
    expect(published).toBeLessThan(rec.count);
    const kept = readRecordingFile(join(session, "feed.rfr"));
    expect(kept.count).toBe(published);
    expect(Buffer.from(kept.events.buffer, kept.events.byteOffset, kept.events.byteLength)
      .equals(Buffer.from(rec.events.buffer, rec.events.byteOffset, published * 64))).toBe(true);
    expect(runCli(["replay", session]).code).toBe(0);
  });

  it.each([
    ["run --feed", (f: string) => ["run", "--feed", f, ...strategies(), "--workers", "2", "--lossless", "--rate", "0", "--json"]],
    ["backtest --workers 2", (f: string) => ["backtest", "--data", f, ...strategies(), "--workers", "2", "--json"]],
  ])("%s on a file damaged past its first blocks: the reader's one line, exit 1, no report", (_name, args) => {
    const r = runCli(args(damaged()), { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^ringfence: .*damaged-\d+\.rfr: block \d+ at byte \d+ fails its checksum/);
    expect(r.stdout).toBe("");
  });

  it.each([
    ["run --feed", (f: string) => ["run", "--feed", f, ...strategies(), "--workers", "1", "--lossless", "--rate", "0", "--json"]],
    ["backtest --workers 1", (f: string) => ["backtest", "--data", f, ...strategies(), "--workers", "1", "--json"]],
  ])("%s on a file whose trailer counts fewer events than it holds: the reader's line, not an internal error", (_name, args) => {
    // The count rewritten (and the trailer's checksum redone): the feed stops at the count, then reads on to the trailer.
    const bytes = readFileSync(data);
    const { trailerAt } = layoutOf(bytes);
    const fewer = rec.count - randInt(rand, 1, 500);
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(trailerAt + TrailerOffset.events, fewer, true);
    const lying = join(root, `fewer-${fewer}.rfr`);
    writeFileSync(lying, reseal(bytes));
    const r = runCli(args(lying), { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(new RegExp(`^ringfence: .*fewer-${fewer}\\.rfr: trailer at byte \\d+ counts ${fewer} events, the blocks hold ${rec.count}$`));
  });

  it("a feed file replaced while a --record run reads it: the run's results, but no session holding other events", async () => {
    const live = join(root, "replaced.rfr");
    writeFileSync(live, readFileSync(data));
    const other = generateSynthetic({ seed: randInt(rand, 1, 1_000_000), events: rec.count, instruments: 2 });
    const swap = join(root, "other.rfr");
    const w = RecordingWriter.toFile(swap, other.header);
    w.append(other.events, 0, other.count);
    w.finish();
    const session = join(root, "replaced-session");
    // Paced, so the run is still reading when the file is renamed over (the live view's first line: the feed runs).
    const r = await runCliActing(["run", "--feed", live, ...strategies(), "--workers", "1", "--rate", "4000", "--duration", "2", "--record", session],
      "ringfence run", () => renameSync(swap, live));
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stdout).toMatch(/^events \d+ in/m);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^ringfence: run: the run finished but session '.*' could not be written: the feed file changed while the run read it/);
    expect(existsSync(session)).toBe(false);
  });
});
