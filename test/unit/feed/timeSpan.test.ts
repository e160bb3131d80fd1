// A recording spans at most 2^53 ns of event time from its first event's
// high time word (~104 days): a strategy's clock counts ns from there as a
// double, exact only below 2^53. Past it, event_time returned a rounded
// time (an event stamped ...000000001 read as ...000000000), and timers and
// the throttle window worked on rounded times. At the limit the clock is
// exact; one past it the writer, the reader and the CSV importer refuse.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EventKind } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { writeI64 } from "../../../host/abi/int64.ts";
import { runBacktest } from "../../../host/backtest/backtest.ts";
import { MAX_SPAN_DAYS, MAX_TIME_HI_SPAN } from "../../../host/feed/eventChecks.ts";
import { decodeRecording, encodeRecording, type Recording } from "../../../host/feed/recording.ts";
import { importCsvFile } from "../../../host/feed/csv/csvImport.ts";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { spec } from "../../support/backtestHarness.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { eventByte, expectRecordingError, header, reseal } from "./feedHelpers.ts";

const seed = testSeed("feed.timeSpan");
const rand = prng(seed);
const root = mkdtempSync(join(tmpdir(), "rf-span-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Quotes at the given [hi, lo] times (seq 1, 2, …; one instrument). */
function quotesAt(times: readonly (readonly [number, number])[]): Recording {
  const words = new Int32Array(times.length * EVENT_RECORD_WORDS);
  times.forEach(([hi, lo], e) => {
    const w = e * EVENT_RECORD_WORDS;
    words[w + EventWord.kind] = EventKind.Quote;
    writeI64(words, w + EventWord.seqLo, e + 1);
    words[w + EventWord.timeLo] = lo | 0;
    words[w + EventWord.timeHi] = hi;
    writeI64(words, w + EventWord.priceLo, 10_000);
    writeI64(words, w + EventWord.qtyLo, 5);
    writeI64(words, w + EventWord.price2Lo, 10_010);
    writeI64(words, w + EventWord.qty2Lo, 5);
  });
  return { header: { ...header(1), events: times.length }, events: words, count: times.length, eventsSha256: "" };
}

/** Traps unless event_time (written at 64) equals the record's own timeNs (at rf_event_buffer + 16), on every event. */
const clockCheck = strategyWat({
  imports: `(import "ringfence" "event_time" (func $et (param i32) (result i32)))`,
  callbacks: {
    rf_on_market: `(drop (call $et (i32.const 64)))
      (if (i64.ne (i64.load (i32.const 64)) (i64.load (i32.const 1040))) (then unreachable))
      (global.set $seen (i32.add (global.get $seen) (i32.const 1)))`,
  },
  extra: `(global $seen (mut i32) (i32.const 0)) (export "seen" (global $seen))`,
});

// A realistic first time: 2025-2026 epoch ns, any low word.
const firstHi = randInt(rand, 0x18000000, 0x18800000);
const firstLo = randInt(rand, 0, 0xffffffff);

describe("the event-time span of a recording", () => {
  it(`is ${MAX_SPAN_DAYS} days; at its very end event_time is still exact (seeded first time)`, () => {
    console.log(`seed ${seed}: first event at hi ${firstHi} lo ${firstLo}`);
    expect(MAX_SPAN_DAYS).toBe(104);
    const times: [number, number][] = [[firstHi, firstLo]];
    for (let k = 0; k < 20; k++) times.push([firstHi + Math.floor((MAX_TIME_HI_SPAN * (k + 1)) / 21), randInt(rand, 0, 0xffffffff)]);
    times.push([firstHi + MAX_TIME_HI_SPAN, 0xfffffffe], [firstHi + MAX_TIME_HI_SPAN, 0xffffffff]);
    const rec = decodeRecording(encodeRecording(header(1), quotesAt(times).events, times.length), "edge.rfr");
    const run = runBacktest({ recording: rec, strategies: [spec(wat(clockCheck), { label: "clock" })] });
    const s = run.report.strategies[0];
    expect(s.faults).toEqual([]);
    expect(s.callbacks).toBeGreaterThanOrEqual(times.length);
  });

  it("one high word further, the writer refuses the event, naming the span", () => {
    const rec = quotesAt([[firstHi, firstLo], [firstHi + MAX_TIME_HI_SPAN + 1, 0]]);
    expectRecordingError(() => encodeRecording(rec.header, rec.events, rec.count), "recording",
      /cannot write event 1 \(seq 2\): timeNs is 104 days after the first event's; a recording spans at most 104 days .*split it$/);
  });

  it("and the reader refuses a file holding one (edited past the writer, checksums redone)", () => {
    const rec = quotesAt([[firstHi, firstLo], [firstHi + 1, 0], [firstHi + MAX_TIME_HI_SPAN, 0]]);
    const bytes = encodeRecording(rec.header, rec.events, rec.count).slice();
    const dv = new DataView(bytes.buffer);
    const at = eventByte(bytes, 2, EventWord.timeHi * 4);
    dv.setInt32(at, firstHi + MAX_TIME_HI_SPAN + 1 + randInt(rand, 0, 1000), true);
    expectRecordingError(() => decodeRecording(reseal(bytes), "far.rfr"), "far.rfr", /^far\.rfr: event 2 \(block 0, byte \d+\): timeNs is \d+ days after the first event's; a recording spans at most 104 days/);
  });

  it("the CSV importer refuses rows spanning more, before writing anything", () => {
    const csv = join(root, "span.csv");
    writeFileSync(csv, "time,symbol,bid,bid_size,ask,ask_size\n2025-06-01T00:00:00.000000000Z,A,1.5,10,1.6,10\n2026-01-05T14:30:00.000000001Z,A,1.5,10,1.6,10\n");
    const out = join(root, "span.rfr");
    expect(() => importCsvFile(csv, out, { format: "quotes" })).toThrow(/rows span 2025-06-01T00:00:00\.000000000Z to 2026-01-05T14:30:00\.000000001Z; a recording spans at most 104 days/);
  });
});
