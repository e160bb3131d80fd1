// Replay streams a session's captures: a strategy's audit chain is read from
// its file through a window many times smaller than the file and compared
// entry by entry as re-execution makes it, so a capture of any size replays
// in the memory of the window. A capture that does not hold is the file's
// problem — one line naming it — wherever it breaks: in the middle of a big
// file, after the re-execution already diverged, or where it was cut short.
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAuditChains } from "../../../host/audit/auditChains.ts";
import { AuditFileReader, MIN_WINDOW_BYTES, WINDOW_BYTES } from "../../../host/audit/auditFileReader.ts";
import { InputError } from "../../../host/cli/errors.ts";
import { replaySession } from "../../../host/replay/replay.ts";
import { readSession } from "../../../host/replay/session.ts";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { hasStackTrace, runCli, type CliResult } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { reseal } from "../../support/session.ts";
import { parseFile, writeFile } from "../audit/auditFixtures.ts";

const EVENTS = 3_000;
/** Audited log calls the heavy strategy makes per market event (each entry ~280 bytes). */
const LOGS_PER_EVENT = 20;
const seed = testSeed("replay.streaming");
const rand = prng(seed);

const root = mkdtempSync(join(tmpdir(), "rf-replay-stream-"));
const base = join(root, "base");
/** Strategy 1 of the session: the heavy one. */
const heavyAudit = (dir: string) => join(dir, "strategies", "1.audit");
const heavyFuel = (dir: string) => join(dir, "strategies", "1.fuel");
let copies = 0;

/** A copy of the base session, changed by `edit` and resealed (sessionSeal.test.ts covers the seal; this is what replay checks after it). */
function changed(edit: (dir: string) => void): string {
  const dir = join(root, `s${++copies}`);
  cpSync(base, dir, { recursive: true });
  edit(dir);
  reseal(dir);
  return dir;
}

/** Rewrites the heavy capture with entry k's last byte (its log line's last character) changed: it still decodes, in place; only its block's hash tells. */
function withEntryChanged(dir: string, k: number): void {
  const f = parseFile(readFileSync(heavyAudit(dir)));
  const frame = f.chains[0].frames[k];
  frame[frame.length - 1] = "y".charCodeAt(0);
  writeFileSync(heavyAudit(dir), writeFile(f));
}

/** Refused as the file's problem: one line naming the heavy capture, exit 1, nothing replayed. */
function expectCaptureRefused(r: CliResult, reason: RegExp): string {
  expect(r.code, r.stderr).toBe(1);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(r.stderr).not.toMatch(/internal error|replay diverged/);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ringfence: session '.*': strategies\/1\.audit: audit chain 'strategy:[0-9a-f]{64}' broken at /);
  expect(lines[0]).toMatch(reason);
  expect(r.stdout).toBe("");
  return lines[0];
}

const replay = (dir: string) => runCli(["replay", dir], { timeoutMs: 60_000 });

beforeAll(() => {
  const heavy = wat(strategyWat({
    imports: `(import "ringfence" "log" (func $log (param i32 i32 i32) (result i32)))`,
    callbacks: {
      rf_on_market: `(local $i i32) (loop $l (drop (call $log (i32.const 1) (i32.const 8192) (i32.const 200)))
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const ${LOGS_PER_EVENT}))))`,
    },
    extra: `(data (i32.const 8192) "${"x".repeat(200)}")`,
  }));
  writeFileSync(join(root, "heavy.wasm"), heavy);
  const r = runCli(["run", "--strategy", distPath("strategies/momentum.wasm"), "--strategy", join(root, "heavy.wasm"), "--events", String(EVENTS),
    "--rate", "0", "--workers", "1", "--lossless", "--json", "--record", base]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("replay reads captures streaming", () => {
  it("a capture many times the read window replays and matches, with the same result through any window", () => {
    const size = statSync(heavyAudit(base)).size;
    expect(size).toBeGreaterThan(8 * WINDOW_BYTES);
    const small = randInt(rand, MIN_WINDOW_BYTES, 8192);
    const results = [MIN_WINDOW_BYTES, small, WINDOW_BYTES].map((w) => replaySession(readSession(base), { auditWindowBytes: w }));
    expect(results[0]).toMatchObject({ ok: true, complete: true });
    expect(results[0].strategies[1]).toMatchObject({ ok: true, calls: EVENTS * LOGS_PER_EVENT, fuelEvents: EVENTS });
    expect(results[1], `seed ${seed}: window ${small}`).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    const r = replay(base);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^match  \\S*heavy\\.wasm: ${EVENTS * LOGS_PER_EVENT} host calls, fuel checked on ${EVENTS} events`, "m"));
  });

  it("the reader holds one window of the capture, never the file", () => {
    const windowBytes = randInt(rand, 1024, 8192);
    const reader = AuditFileReader.open(heavyAudit(base), windowBytes);
    try {
      let entries = 0;
      const walk = reader.entries();
      for (let r = walk.next(); !r.done; r = walk.next()) entries++;
      expect(entries).toBe(EVENTS * LOGS_PER_EVENT);
      expect(reader.highWaterBytes, `seed ${seed}: window ${windowBytes}`).toBe(windowBytes);
      expect(reader.sizeBytes).toBeGreaterThan(1000 * windowBytes);
    } finally {
      reader.close();
    }
  });

  it("an entry changed in the middle of a big capture is the file's problem, named at its block, not a divergence", () => {
    const entries = EVENTS * LOGS_PER_EVENT;
    const k = randInt(rand, Math.floor(entries / 4), Math.floor((3 * entries) / 4));
    const dir = changed((d) => withEntryChanged(d, k));
    const line = expectCaptureRefused(replay(dir), /entries \d+\.\.\d+: hash mismatch/);
    const [, from, through] = /entries (\d+)\.\.(\d+)/.exec(line)!.map(Number);
    expect(from <= k && k <= through, `seed ${seed}: entry ${k} changed; ${line}`).toBe(true);
    // Through a small window too: the re-execution met the changed entry before its block's hash was checked.
    expect(() => replaySession(readSession(dir), { auditWindowBytes: MIN_WINDOW_BYTES })).toThrow(InputError);
  });

  it("an entry changed after the point where re-execution diverges is still found: the file is read to its end", () => {
    // Both strategies' worker consumed events from 1 on, not 0: re-execution diverges at its first entry.
    const shifted = (d: string) => {
      const meta = JSON.parse(readFileSync(join(d, "session.json"), "utf8"));
      meta.instances[0].ranges[0] += 1;
      meta.instances[0].ranges[1] -= 1;
      writeFileSync(join(d, "session.json"), JSON.stringify(meta));
    };
    const diverging = changed(shifted);
    const control = replay(diverging);
    expect(control.code).toBe(1);
    expect(control.stderr).toMatch(/^ringfence: replay diverged: strategy 0 \(\S*momentum\.wasm\) at event /m);
    const k = randInt(rand, Math.floor((EVENTS * LOGS_PER_EVENT) / 2), EVENTS * LOGS_PER_EVENT - 1);
    const dir = changed((d) => {
      shifted(d);
      withEntryChanged(d, k);
    });
    expectCaptureRefused(replay(dir), /hash mismatch/);
    expect(() => replaySession(readSession(dir), { auditWindowBytes: MIN_WINDOW_BYTES })).toThrow(/strategies\/1\.audit: audit chain .* hash mismatch/);
  });

  it("a capture cut short anywhere is named as truncated, however far re-execution got", () => {
    const size = statSync(heavyAudit(base)).size;
    // Past the chain header, which names the chain.
    const at = randInt(rand, 1024, size - 1);
    const dir = changed((d) => writeFileSync(heavyAudit(d), readFileSync(heavyAudit(d)).subarray(0, at)));
    expectCaptureRefused(replay(dir), /: truncated: file ends /);
    expect(() => replaySession(readSession(dir))).toThrow(/strategies\/1\.audit: audit chain .*: truncated: file ends /);
  });

  it("fuel is compared per event from the fuel file: a changed value, and a missing last one, are named at their event", () => {
    const fuel = readFileSync(heavyFuel(base));
    const k = randInt(rand, 0, EVENTS - 1);
    const value = fuel.readInt32LE(4 * k);
    // The k-th event the strategy handled: its log lines are entries k*L .. k*L + L-1.
    const entries = readAuditChains(readFileSync(heavyAudit(base)))[0].entries;
    const eventK = entries[k * LOGS_PER_EVENT].eventIndex;
    const changedFuel = changed((d) => {
      const f = readFileSync(heavyFuel(d));
      f.writeInt32LE(value + 1, 4 * k);
      writeFileSync(heavyFuel(d), f);
    });
    const result = replaySession(readSession(changedFuel), { auditWindowBytes: randInt(rand, MIN_WINDOW_BYTES, 4096) });
    expect(result.strategies[1].divergence, `seed ${seed}: fuel value ${k}`).toEqual({ what: "fuel", instance: 0, eventIndex: eventK, expected: `fuel ${value + 1}`, actual: `fuel ${value}` });
    expect(result.strategies[1].fuelEvents).toBe(EVENTS);

    const short = changed((d) => writeFileSync(heavyFuel(d), fuel.subarray(0, fuel.length - 4)));
    const last = entries[entries.length - 1].eventIndex;
    expect(replaySession(readSession(short)).strategies[1].divergence).toEqual({
      what: "fuel", instance: 0, eventIndex: last, expected: "fuel (none)", actual: `fuel ${fuel.readInt32LE(fuel.length - 4)}`,
    });
  });
});
