// Guest delivery copies each event record into the guest's event buffer in
// 8-byte units when the source is 8-aligned (copyRecord64) and word by word
// otherwise. Either way the guest must see exactly the bytes it was sent,
// whatever they are: records carry i64 fields as raw bits, and an i64 whose
// bits spell a signalling NaN must not come out as a quiet one.
import { describe, expect, it } from "vitest";
import { EVENT_RECORD_WORDS, EventWord, copyRecord64 } from "../../../host/abi/eventRecord.ts";
import { EventKind } from "../../../host/abi/codes.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { StrategyRunner } from "../../../host/engine/strategyRunner.ts";
import { strategyWat, wat } from "../../fixtures/wat.ts";
import { spec } from "../../support/backtestHarness.ts";
import { prng, testSeed } from "../../support/seed.ts";

const INSTRUMENTS = [{ id: 0, symbol: "X", priceDecimals: 2, qtyDecimals: 0 }];

/** Hex of the 64-byte event buffer at 1024, logged from every rf_on_market (one log line per event). */
const HEX_DUMP_WAT = strategyWat({
  imports: `(import "ringfence" "log" (func $log (param i32 i32 i32) (result i32)))`,
  extra: `(func $hex (param $n i32) (result i32)
    (select (i32.add (local.get $n) (i32.const 48)) (i32.add (local.get $n) (i32.const 87)) (i32.lt_u (local.get $n) (i32.const 10))))`,
  callbacks: {
    rf_on_market: `(local $i i32) (local $b i32)
      (block $done (loop $next
        (br_if $done (i32.eq (local.get $i) (i32.const 64)))
        (local.set $b (i32.load8_u (i32.add (i32.const 1024) (local.get $i))))
        (i32.store8 (i32.add (i32.const 4096) (i32.shl (local.get $i) (i32.const 1))) (call $hex (i32.shr_u (local.get $b) (i32.const 4))))
        (i32.store8 (i32.add (i32.const 4097) (i32.shl (local.get $i) (i32.const 1))) (call $hex (i32.and (local.get $b) (i32.const 15))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (drop (call $log (i32.const 1) (i32.const 4096) (i32.const 128)))`,
  },
});

/** Bit patterns that a copy through doubles could change if it ever computed on them. */
const NAN_LANES: readonly (readonly [number, number])[] = [
  [0x00000001, 0x7ff00000 | 0], // signalling NaN
  [0x00000001, 0xfff00000 | 0], // negative signalling NaN
  [0xfff7ffff | 0, 0xfff7ffff | 0], // V8's hole NaN
  [0x12345678, 0x7ff80000 | 0], // quiet NaN with payload
  [0x00000000, 0x80000000 | 0], // -0
  [0x00000000, 0x7ff00000 | 0], // +infinity
];

function hexOf(words: Int32Array, at: number): string {
  let s = "";
  for (let k = 0; k < EVENT_RECORD_WORDS; k++) {
    const v = words[at + k] >>> 0;
    for (let b = 0; b < 4; b++) s += ((v >>> (8 * b)) & 0xff).toString(16).padStart(2, "0");
  }
  return s;
}

/** A Quote on instrument 0 whose other words are random, with NaN-like patterns in some 8-byte lanes. */
function fillRecord(words: Int32Array, at: number, rand: () => number, n: number): void {
  for (let k = 0; k < EVENT_RECORD_WORDS; k++) words[at + k] = (rand() * 2 ** 32) | 0;
  for (let lane = 1; lane < 8; lane++) {
    if (rand() < 0.5) {
      const [lo, hi] = NAN_LANES[(n + lane) % NAN_LANES.length];
      words[at + 2 * lane] = lo;
      words[at + 2 * lane + 1] = hi;
    }
  }
  words[at + EventWord.kind] = EventKind.Quote;
  words[at + EventWord.instrument] = 0;
}

describe("event delivery into guest memory", () => {
  it("copyRecord64 moves every bit pattern unchanged, cold and after optimization", () => {
    const seed = testSeed("copyRecord64 bits");
    const rand = prng(seed);
    const src = new Int32Array(EVENT_RECORD_WORDS * 64);
    for (let r = 0; r < 64; r++) fillRecord(src, r * EVENT_RECORD_WORDS, rand, r);
    const dst = new Int32Array(EVENT_RECORD_WORDS);
    const src64 = new Float64Array(src.buffer);
    const dst64 = new Float64Array(dst.buffer);
    for (let round = 0; round < 3000; round++) {
      const r = round & 63;
      copyRecord64(dst64, 0, src64, r * (EVENT_RECORD_WORDS >> 1));
      for (let k = 0; k < EVENT_RECORD_WORDS; k++) {
        if (dst[k] !== src[r * EVENT_RECORD_WORDS + k]) throw new Error(`seed ${seed} round ${round} word ${k}: ${dst[k]} != ${src[r * EVENT_RECORD_WORDS + k]}`);
      }
    }
  });

  it("the guest sees exactly the record it was sent, from aligned, unaligned and odd-offset sources", () => {
    const seed = testSeed("event delivery bits");
    const rand = prng(seed);
    const seen: string[] = [];
    const runner = new StrategyRunner(spec(wat(HEX_DUMP_WAT)), INSTRUMENTS, new AuditLog("t"), null, 0, (_s, _l, _t, text) => seen.push(text));
    // Three sources: an 8-aligned array (copied in 8-byte units), a view at
    // byte offset 4 and an odd word offset in the aligned one (both copied
    // word by word). Alternating them also exercises the source-view cache.
    const backing = new Int32Array(EVENT_RECORD_WORDS * 8 + 2);
    const aligned = backing.subarray(0, EVENT_RECORD_WORDS * 4);
    const shifted = backing.subarray(1 + EVENT_RECORD_WORDS * 4);
    runner.start(0, 0);
    const want: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const kind = i % 3;
      const words = kind === 1 ? shifted : aligned;
      const at = kind === 2 ? 1 + EVENT_RECORD_WORDS : (i % 2) * EVENT_RECORD_WORDS;
      fillRecord(words, at, rand, i);
      want.push(hexOf(words, at));
      runner.onMarket(words, at, i);
      runner.keepEvents();
    }
    expect(runner.fault, `seed ${seed}`).toBeNull();
    expect(seen.length, `seed ${seed}`).toBe(want.length);
    for (let i = 0; i < want.length; i++) if (seen[i] !== want[i]) throw new Error(`seed ${seed} event ${i}: guest saw ${seen[i]}, sent ${want[i]}`);
  });
});
