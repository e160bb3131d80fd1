// `ringfence replay SESSION` on a session whose files were edited or damaged:
// every field read from session.json is checked against the format and the
// session's own feed before anything is replayed, and a strategy capture's
// audit file is verified — each problem is one line naming the file, exit 1.
// Never a hang, a match over events the feed does not hold, a "divergence"
// or an internal error.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStackTrace, runCli, type CliResult } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { reseal } from "../../support/session.ts";
import { encodeAuditFile } from "../../../host/audit/auditFile.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";

/** session.json as a test edits it. */
type Meta = Record<string, any>;

const EVENTS = 20_000;
const seed = testSeed("replay.sessionValidation");
const rand = prng(seed);
/** How far past the feed's end a tampered span reaches. */
const over = randInt(rand, 1, 5_000_000);

const root = mkdtempSync(join(tmpdir(), "rf-replay-validate-"));
const base = join(root, "base");
let copies = 0;

/** A copy of the base session with session.json edited by `edit` and the seal rewritten to match (sessionSeal.test.ts covers the seal). */
function tampered(edit: (m: Meta) => void): string {
  const dir = join(root, `s${++copies}`);
  cpSync(base, dir, { recursive: true });
  const path = join(dir, "session.json");
  const meta = JSON.parse(readFileSync(path, "utf8"));
  edit(meta);
  writeFileSync(path, JSON.stringify(meta));
  reseal(dir);
  return dir;
}

/** A session that is not as written: one line, exit 1, no stack, nothing replayed. */
function expectRefused(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(r.stderr).not.toMatch(/internal error|replay diverged/);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(pattern);
  expect(r.stdout).toBe("");
}

/** Replays with a deadline: a session that makes replay run on must fail the test, not hang it. */
const replay = (dir: string) => runCli(["replay", dir], { timeoutMs: 30_000 });

/** instance 0's capture turned into a death record (as if its worker had died), with `death` fields over the defaults. */
function dead(m: Meta, death: Meta = {}, startAt = 0): void {
  const x = m.instances[0];
  delete x.ranges;
  delete x.kills;
  delete x.stopAt;
  x.startAt = startAt;
  x.death = { cause: "crash: test", lastCursor: 100, batch: 64, gaps: [], initialKills: [0], killChanged: [], ...death };
}

beforeAll(() => {
  const r = runCli(["run", "--strategy", distPath("strategies/momentum.wasm"), "--events", String(EVENTS), "--rate", "0",
    "--workers", "1", "--lossless", "--json", "--record", base]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("replay refuses a malformed session.json", () => {
  it("the untouched session replays (exit 0), so what follows is the edit's doing", () => {
    const r = replay(base);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^match  /m);
  });

  const instance = (what: string) => new RegExp(`^ringfence: session '.*': instance 0 in session\\.json is malformed: ${what}$`);

  it.each<[string, (m: Meta) => void, RegExp]>([
    ["a range far past the feed's end (replay ran until killed)", (m) => (m.instances[0].ranges = [0, 99_999_999_999]),
      instance(`ranges pair 0 \\[0, 99999999999\\] runs past the feed's end \\(${EVENTS} events\\)`)],
    ["a range past the feed's end (replay matched over events that do not exist)", (m) => (m.instances[0].ranges = [0, EVENTS + over]),
      instance(`ranges pair 0 \\[0, ${EVENTS + over}\\] runs past the feed's end \\(${EVENTS} events\\)`)],
    ["a second range past the feed's end", (m) => (m.instances[0].ranges = [0, 100, EVENTS - 10, 11]),
      instance(`ranges pair 1 \\[${EVENTS - 10}, 11\\] runs past the feed's end \\(${EVENTS} events\\)`)],
    ["a negative start", (m) => (m.instances[0].ranges = [-5, 10]), instance("ranges pair 0 \\[-5, 10\\] starts at -5, not an event index")],
    ["overlapping ranges", (m) => (m.instances[0].ranges = [0, EVENTS, 5, 1]),
      instance(`ranges pair 1 \\[5, 1\\] starts before the previous pair ends \\(event ${EVENTS}\\): pairs must be in event order and not overlap`)],
    ["ranges out of order", (m) => (m.instances[0].ranges = [100, 50, 0, 10]),
      instance("ranges pair 1 \\[0, 10\\] starts before the previous pair ends \\(event 150\\): pairs must be in event order and not overlap")],
    ["a range starting before the instance's first event", (m) => (m.instances[0].startAt = 100),
      instance("ranges pair 0 \\[0, 20000\\] starts before its first event \\(startAt 100\\)")],
    ["a count of 0", (m) => (m.instances[0].ranges = [0, 0]), instance("ranges pair 0 \\[0, 0\\] has count 0; a count is at least 1")],
    ["a negative count", (m) => (m.instances[0].ranges = [10, -3]), instance("ranges pair 0 \\[10, -3\\] has count -3; a count is at least 1")],
    ["a fractional start", (m) => (m.instances[0].ranges = [0.5, 10]), instance("ranges pair 0 \\[0\\.5, 10\\] is not two integers")],
    ["a count as a string", (m) => (m.instances[0].ranges = [0, "20000"]), instance("ranges pair 0 \\[0, \"20000\"\\] is not two integers")],
    ["an odd number of entries", (m) => (m.instances[0].ranges = [0, 10, 5]), instance("ranges is not a flat list of \\[start, count\\] pairs")],
    ["ranges that are not a list", (m) => (m.instances[0].ranges = null), instance("ranges is not a flat list of \\[start, count\\] pairs")],
  ])("ranges: %s", (_name, edit, pattern) => expectRefused(replay(tampered(edit)), pattern));

  it.each<[string, (m: Meta) => void, RegExp]>([
    ["an unknown state", (m) => (m.instances[0].kills = [5, 0, 7]), instance("kills triple 0 \\[5, 0, 7\\] has state 7, not 0 \\(active\\), 1 \\(reducing\\) or 2 \\(halted\\)")],
    ["a strategy the instance does not host", (m) => (m.instances[0].kills = [5, 3, 1]), instance("kills triple 0 \\[5, 3, 1\\] names strategy 3, which this instance does not host")],
    ["an event past the feed's end", (m) => (m.instances[0].kills = [EVENTS + over, 0, 1]),
      instance(`kills triple 0 \\[${EVENTS + over}, 0, 1\\] is at event ${EVENTS + over}, which its ranges do not hold`)],
    ["an event in a gap of the ranges", (m) => {
      m.instances[0].ranges = [0, 100, 200, EVENTS - 200];
      m.instances[0].kills = [130, 0, 2];
    }, instance("kills triple 0 \\[130, 0, 2\\] is at event 130, which its ranges do not hold")],
    ["kills out of event order", (m) => (m.instances[0].kills = [50, 0, 1, 10, 0, 0]), instance("kills triple 1 \\[10, 0, 0\\] comes after a kill at event 50: kills must be in event order")],
    ["a triple cut short", (m) => (m.instances[0].kills = [5, 0]), instance("kills is not a flat list of integer \\[eventIndex, strategy, state\\] triples")],
    ["a negative event", (m) => (m.instances[0].kills = [-1, 0, 1]), instance("kills triple 0 \\[-1, 0, 1\\] is at event -1, which its ranges do not hold")],
  ])("kills: %s", (_name, edit, pattern) => expectRefused(replay(tampered(edit)), pattern));

  it.each<[string, (m: Meta) => void, RegExp]>([
    ["stopAt negative", (m) => (m.instances[0].stopAt = -3), instance(`stopAt -3 is not an event index from the end of its ranges \\(${EVENTS}\\) to the feed's end \\(${EVENTS}\\)`)],
    ["stopAt past the feed's end", (m) => (m.instances[0].stopAt = EVENTS + over), instance(`stopAt ${EVENTS + over} is not an event index from the end of its ranges \\(${EVENTS}\\) to the feed's end \\(${EVENTS}\\)`)],
    ["stopAt before the last range ends", (m) => (m.instances[0].stopAt = 10), instance(`stopAt 10 is not an event index from the end of its ranges \\(${EVENTS}\\) to the feed's end \\(${EVENTS}\\)`)],
    ["stopAt missing", (m) => delete m.instances[0].stopAt, instance(`stopAt undefined is not an event index from the end of its ranges \\(${EVENTS}\\) to the feed's end \\(${EVENTS}\\)`)],
    ["startAt past the feed's end", (m) => (m.instances[0].startAt = EVENTS + over), instance(`startAt ${EVENTS + over} is not an event index of the feed \\(0\\.\\.${EVENTS}\\)`)],
    ["startAt -1 on an instance with a capture", (m) => (m.instances[0].startAt = -1), instance(`startAt -1 is not an event index of the feed \\(0\\.\\.${EVENTS}\\)`)],
    ["startAt fractional", (m) => (m.instances[0].startAt = 1.5), instance(`startAt 1\\.5 is not an event index of the feed \\(0\\.\\.${EVENTS}\\)`)],
  ])("startAt/stopAt: %s", (_name, edit, pattern) => expectRefused(replay(tampered(edit)), pattern));

  it.each<[string, (m: Meta) => void, RegExp]>([
    ["a negative instance number", (m) => (m.instances[0].instance = -1), instance("instance -1 is not an instance number")],
    ["a worker index as a string", (m) => (m.instances[0].worker = "0"), instance("worker \"0\" is not a worker index")],
    ["an instance on another worker than its strategy", (m) => (m.instances[0].worker = 3),
      instance("it is on worker 3 but hosts strategy 0, which session\\.json puts on worker 0")],
    ["a strategy index past the session's strategies", (m) => (m.instances[0].strategies = [4]), instance("its strategies name strategy 4; the session has 1")],
    ["a strategy hosted twice", (m) => (m.instances[0].strategies = [0, 0]), instance("its strategies name a strategy twice")],
    ["an instance that is not an object", (m) => (m.instances[0] = 7), instance("it is not an object")],
    ["a strategy record whose index is not its position", (m) => (m.strategies[0].index = 1),
      /^ringfence: session '.*': strategy 0 in session\.json is malformed: its index 1 is not its position 0$/],
    ["a strategy on worker -7", (m) => (m.strategies[0].worker = -7),
      /^ringfence: session '.*': strategy 0 in session\.json is malformed: worker -7 is not a worker index \(or -1\)$/],
    ["a label that is not a string", (m) => (m.strategies[0].label = 5),
      /^ringfence: session '.*': strategy 0 in session\.json is malformed: label 5 is not a string$/],
    ["params that are not an object", (m) => (m.strategies[0].params = null),
      /^ringfence: session '.*': strategy 0 in session\.json is malformed: params is not an object$/],
    ["a fractional param", (m) => (m.strategies[0].params = { qty_lots: 1.5 }),
      /^ringfence: session '.*': strategy 0 in session\.json is malformed: param "qty_lots" = 1\.5 is not name=integer$/],
    ["instruments that are not the feed's", (m) => (m.instruments[0].symbol = "XXX"),
      /^ringfence: session '.*': the instruments in session\.json are not those of feed\.rfr$/],
    ["instruments missing", (m) => delete m.instruments,
      /^ringfence: session '.*': the instruments in session\.json are not those of feed\.rfr$/],
  ])("indices and records: %s", (_name, edit, pattern) => expectRefused(replay(tampered(edit)), pattern));

  it("a well-formed death record is replayed, not refused (the checks below are the fields' doing)", () => {
    const r = replay(tampered((m) => dead(m)));
    expect(r.stderr).not.toMatch(/malformed|internal error/);
    expect(r.stdout).toMatch(/^    original \(worker 0, from event 0\): host-orders/m);
  });

  it.each<[string, (m: Meta) => void, RegExp]>([
    ["lastCursor past the feed's end (replay ran to its end)", (m) => dead(m, { lastCursor: EVENTS + over }),
      instance(`death\\.lastCursor ${EVENTS + over} is not an event index from its startAt \\(0\\) to the feed's end \\(${EVENTS}\\)`)],
    ["lastCursor before its startAt", (m) => dead(m, { lastCursor: 10 }, 50), instance(`death\\.lastCursor 10 is not an event index from its startAt \\(50\\) to the feed's end \\(${EVENTS}\\)`)],
    ["startAt below -1", (m) => dead(m, {}, -2), instance(`startAt -2 is not an event index of the feed \\(0\\.\\.${EVENTS}, or -1 for an instance that never attached\\)`)],
    ["a batch of 0", (m) => dead(m, { batch: 0 }), instance("death\\.batch 0 is not a positive integer")],
    ["gaps out of order", (m) => dead(m, { gaps: [50, 10, 40, 5] }),
      instance("death\\.gaps pair 1 \\[40, 5\\] starts before the previous pair ends \\(event 60\\): pairs must be in event order and not overlap")],
    ["a gap past the feed's end", (m) => dead(m, { gaps: [EVENTS - 1, 2] }), instance(`death\\.gaps pair 0 \\[${EVENTS - 1}, 2\\] runs past the feed's end \\(${EVENTS} events\\)`)],
    ["a negative gap", (m) => dead(m, { gaps: [-4, 2] }), instance("death\\.gaps pair 0 \\[-4, 2\\] starts at -4, not an event index")],
    ["an unknown initial kill state", (m) => dead(m, { initialKills: [9] }), instance("death\\.initialKills is not one kill-switch state \\(0, 1 or 2\\) per hosted strategy")],
    ["initial kills not one per strategy", (m) => dead(m, { initialKills: [0, 0] }), instance("death\\.initialKills is not one kill-switch state \\(0, 1 or 2\\) per hosted strategy")],
    ["killChanged naming a strategy that does not exist", (m) => dead(m, { killChanged: [5] }), instance("death\\.killChanged is not a list of strategies on its worker")],
    ["no cause", (m) => dead(m, { cause: null }), instance("death\\.cause is not a string")],
  ])("death record: %s", (_name, edit, pattern) => expectRefused(replay(tampered(edit)), pattern));

  it.each<[string, (m: Meta) => void, RegExp]>([
    ["a range past the feed's end", (m) => (m.workers[0].ranges = [0, EVENTS + over]),
      new RegExp(`^ringfence: session '.*': worker 0 in session\\.json is malformed: ranges pair 0 \\[0, ${EVENTS + over}\\] runs past the feed's end \\(${EVENTS} events\\)$`)],
    ["a worker listed twice", (m) => m.workers.push({ ...m.workers[0] }),
      /^ringfence: session '.*': worker 1 in session\.json is malformed: worker 0 appears twice$/],
    ["a worker that is not an object", (m) => (m.workers[0] = null),
      /^ringfence: session '.*': worker 0 in session\.json is malformed: worker undefined is not a worker index$/],
  ])("version 1 workers: %s", (_name, edit, pattern) => {
    const dir = tampered((m) => {
      m.version = 1;
      m.workers = m.instances.map((x: Meta) => ({ worker: x.worker, ranges: x.ranges, kills: x.kills, stopAt: x.stopAt }));
      delete m.instances;
      edit(m);
    });
    // Version 1 sessions were written before seals and the host chain.
    rmSync(join(dir, "host.audit"));
    rmSync(join(dir, "SHA256SUMS"));
    expectRefused(replay(dir), pattern);
  });
});

describe("replay refuses a host.audit that is not one chain", () => {
  it("two chains (each a summary kept while read: millions of empty ones were memory)", () => {
    const dir = tampered(() => {});
    const a = new AuditLog("host");
    const b = new AuditLog("extra");
    a.append({ eventIndex: 0, timeNs: 0, call: "order", args: [0], result: 1 });
    writeFileSync(join(dir, "host.audit"), encodeAuditFile([a, b]));
    reseal(dir);
    expectRefused(replay(dir), /^ringfence: session '.*': host\.audit holds 2 audit chains, not 1$/);
  });
});

describe("replay refuses a strategy capture whose audit file does not verify", () => {
  const audit = (dir: string) => join(dir, "strategies", "0.audit");
  const broken = /^ringfence: session '.*': strategies\/0\.audit: audit chain '.*' broken at .+$/;

  it("a flipped byte", () => {
    const dir = tampered(() => {});
    const bytes = readFileSync(audit(dir));
    const at = randInt(rand, 0, bytes.length - 1);
    bytes[at] ^= 1 << randInt(rand, 0, 7);
    writeFileSync(audit(dir), bytes);
    reseal(dir);
    expectRefused(replay(dir), broken);
  });

  it("a truncated file", () => {
    const dir = tampered(() => {});
    const bytes = readFileSync(audit(dir));
    writeFileSync(audit(dir), bytes.subarray(0, randInt(rand, 0, bytes.length - 1)));
    reseal(dir);
    expectRefused(replay(dir), broken);
  });
});
