// Replay reads a session's feed.rfr a block at a time (FeedCursor), not
// whole: the same session replays to the same verdict whatever block size
// its feed.rfr was written with, down to blocks of a few events, where the
// venue's quotes outlive the block they came from many times over (the
// runner copies them before each refill).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRecordingFile } from "../../../host/feed/recording.ts";
import { RecordingWriter } from "../../../host/feed/recordingWriter.ts";
import { replaySession } from "../../../host/replay/replay.ts";
import { readSession } from "../../../host/replay/session.ts";
import { runCli } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { reseal } from "../../support/session.ts";

const seed = testSeed("replay.feedBlocks");
const rand = prng(seed);
const root = mkdtempSync(join(tmpdir(), "rf-replay-blocks-"));
const base = join(root, "base");
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  const r = runCli(["run", ...["market-maker", "momentum", "mean-reversion"].flatMap((n) => ["--strategy", distPath(`strategies/${n}.wasm`)]),
    "--events", "20000", "--seed", String(randInt(rand, 1, 1_000_000)), "--rate", "0", "--workers", "2", "--lossless", "--json", "--record", base]);
  expect(r.code, r.stderr).toBe(0);
});

describe("replay over a feed.rfr of any block size", () => {
  it("matches with the feed rewritten in blocks of a few events (seeded)", () => {
    const perBlock = randInt(rand, 2, 9);
    console.log(`seed ${seed}: feed.rfr rewritten in blocks of ${perBlock}`);
    const whole = replaySession(readSession(base));
    expect(whole.ok && whole.complete).toBe(true);
    expect(whole.strategies.some((s) => s.calls > 0)).toBe(true);
    const feed = readRecordingFile(join(base, "feed.rfr"));
    const w = RecordingWriter.toFile(join(base, "feed.rfr"), feed.header, { recordsPerBlock: perBlock });
    w.append(feed.events, 0, feed.count);
    w.finish();
    reseal(base);
    const small = replaySession(readSession(base));
    expect(small).toEqual(whole);
  });
});
