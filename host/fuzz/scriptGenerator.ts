/**
 * ABI-aware generated modules: each callback of the ABI skeleton gets a
 * random script of host calls whose arguments are mostly well-formed —
 * records at aligned, in-bounds addresses, orders priced off the event in
 * the buffer so they pass risk and fill — and sometimes hostile: pointers
 * past the end, negative, misaligned or overlapping the event buffer, bad
 * enums, NaN/Inf bit patterns and extreme integers in every i64 field,
 * huge lengths, zero and maximal delays, garbage ids. Calls from
 * rf_on_order and rf_on_timer re-enter the engine while fills cascade.
 *
 * Where -ttf (ttfGenerator.ts) explores code shapes and mostly trips over
 * its first bad pointer, these reach deep engine state: accepted orders,
 * partial fills, cancels of working orders, timers, throttle and position
 * limits, and the quarantine of a strategy with orders working.
 *
 * The WAT is ours (never user input), compiled with binaryen. Seeded by the
 * case seed; allocates freely.
 */
import { Xoshiro128 } from "../feed/prng.ts";
import { EventKind } from "../abi/codes.ts";
import { EventOffset } from "../abi/eventRecord.ts";
import { SKELETON_EVENT_BUFFER, skeletonWat } from "./abiSkeleton.ts";
import { watToBytes } from "./corpusFile.ts";
import type { GeneratedModule } from "./ttfGenerator.ts";

const EVENT = SKELETON_EVENT_BUFFER;
/** Eight 32-byte OrderRequest slots. */
const ORDER_AREA = 2048;
/** PositionRecord / InstrumentInfo / OrderView output area (up to 64 views). */
const OUT_AREA = 4096;
const TIME_AREA = 8192;
/** Param keys: "fast_len" at 256, "k" at 272, invalid UTF-8 at 280, a 70-byte key at 288. */
const KEY_AREA = 256;
/** Log text: plain at 512, escapes and newlines at 544, invalid UTF-8 at 576. */
const LOG_AREA = 512;
const PAGE = 65536;

/** i64 values that are not valid prices or quantities: zero, negative, beyond 2^53, NaN/Inf bit patterns, the extremes. */
const BAD_I64 = [
  "0", "-1", "9007199254740992", "9007199254740993", "-9007199254740993",
  "9223372036854775807", "-9223372036854775808",
  "0x7ff8000000000000", "0x7ff0000000000000", "0xfff0000000000000", "0x7fffffffffffffff",
];
/** i32 values wherever an i32 goes: zero, -1, extremes, just past the ends. */
const EDGE_I32 = [0, -1, 1, 0x7fffffff, -0x80000000, 65535, 65536, 0x10000 * 256];

export class ScriptGenerator {
  private readonly rng: Xoshiro128;
  /** Chance (ppm) that an argument is chosen to be hostile. */
  private readonly hostilePpm: number;
  private readonly memPages: number;

  private constructor(seed: number) {
    this.rng = new Xoshiro128(seed);
    this.hostilePpm = [0, 5_000, 20_000, 100_000, 300_000][this.rng.below(5)];
    this.memPages = 1 + this.rng.below(2);
  }

  /** One module for `caseSeed`. Throws only on a bug here (the WAT is ours). */
  static generate(caseSeed: number): GeneratedModule {
    const g = new ScriptGenerator(caseSeed);
    return { bytes: watToBytes(g.module()), note: `script, ${g.hostilePpm / 10_000}% hostile arguments` };
  }

  private module(): string {
    const bodies: Record<string, string> = {};
    for (const cb of ["rf_start", "rf_on_market", "rf_on_order", "rf_on_timer", "rf_stop"]) {
      const count = cb === "rf_on_market" ? 1 + this.rng.below(8) : this.rng.below(5);
      const statements: string[] = [];
      if (cb === "rf_on_market") statements.push("(global.set $n (i32.add (global.get $n) (i32.const 1)))");
      for (let i = 0; i < count; i++) statements.push(this.statement(cb));
      bodies[cb] = statements.join("\n    ");
    }
    const extra = `
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (global $lastOrder (mut i32) (i32.const 0))
  (global $lastTimer (mut i32) (i32.const 0))
  (global $i (mut i32) (i32.const 0))
  (data (i32.const ${KEY_AREA}) "fast_len")
  (data (i32.const ${KEY_AREA + 16}) "k")
  (data (i32.const ${KEY_AREA + 24}) "\\ff\\fe\\c0")
  (data (i32.const ${KEY_AREA + 32}) "${"x".repeat(70)}")
  (data (i32.const ${LOG_AREA}) "fuzz says hello")
  (data (i32.const ${LOG_AREA + 32}) "\\1b[31mred\\0a\\0dnext line\\00")
  (data (i32.const ${LOG_AREA + 64}) "\\ff\\fe\\80bad utf-8\\ed\\a0\\80")`;
    return skeletonWat({ bodies, memory: `${this.memPages} ${this.memPages + 2}`, extra });
  }

  private hostile(): boolean {
    return this.rng.chancePpm(this.hostilePpm);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rng.below(xs.length)];
  }

  /** A statement, sometimes repeated in a loop (spam) or gated on the event kind or count. */
  private statement(cb: string): string {
    let s = this.call(cb);
    const r = this.rng.below(100);
    if (r < 8) {
      const times = this.pick([2, 10, 100]);
      s = `(global.set $i (i32.const 0)) (block $done (loop $again (br_if $done (i32.ge_u (global.get $i) (i32.const ${times}))) ${s} (global.set $i (i32.add (global.get $i) (i32.const 1))) (br $again)))`;
    } else if (r < 20) {
      const kind = this.pick([EventKind.Quote, EventKind.Trade, EventKind.Fill, EventKind.OrderUpdate, EventKind.Timer]);
      s = `(if (i32.eq (i32.load (i32.const ${EVENT + EventOffset.kind})) (i32.const ${kind})) (then ${s}))`;
    } else if (r < 26) {
      s = `(if (i32.ge_u (global.get $n) (i32.const ${this.pick([5, 50, 200, 350])})) (then ${s}))`;
    }
    return s;
  }

  private call(cb: string): string {
    const which = this.rng.below(100);
    if (which < 30) return this.submit(cb);
    if (which < 40) return `(drop (call $cancel_order ${this.orderId()}))`;
    if (which < 46) return `(drop (call $read_position ${this.instrument()} ${this.ptr(OUT_AREA, 40, 8)}))`;
    if (which < 52) {
      const max = this.hostile() ? this.pick([-1, 65536, 0x7fffffff, 65535]) : this.pick([0, 1, 4, 64]);
      return `(drop (call $read_orders ${this.ptr(OUT_AREA, 40 * Math.max(0, Math.min(max, 64)), 8)} (i32.const ${max})))`;
    }
    if (which < 55) return `(drop (call $event_time ${this.ptr(TIME_AREA, 8, 8)}))`;
    if (which < 57) {
      // Narrowing what rf_on_market gets (even to nothing) must never cost the strategy its fills, timers or orders.
      const kinds = this.hostile() ? this.pick([4, -1, 0x7fffffff]) : this.rng.below(4);
      const instrument = this.rng.below(3) === 0 ? "(i32.const -1)" : this.instrument();
      return `(drop (call $subscribe ${instrument} (i32.const ${kinds})))`;
    }
    if (which < 65) {
      const delay = this.hostile() ? this.pick([-1, -0x80000000, 0x7fffffff]) : this.pick([0, 1, 1000, 250_000, 0x7fffffff]);
      // Short delays re-armed from rf_on_timer (or from rf_on_order, which a timer's order can reach) hit two
      // known engine bugs (test/fuzz/corpus/timer-rearmed-*.wat: zero re-fires forever within one event, a
      // few µs fire hundreds of times per event); generated cases stay a market-event gap (< 1 ms here)
      // above them so that they find new things instead.
      const rearms = cb === "rf_on_timer" || cb === "rf_on_order";
      const safeDelay = rearms && delay >= 0 && delay < 1000 ? 1000 : delay;
      return `(global.set $r (call $set_timer (i32.const ${safeDelay}) (i32.const ${this.rng.nextU32() | 0}))) (if (i32.gt_s (global.get $r) (i32.const 0)) (then (global.set $lastTimer (global.get $r))))`;
    }
    if (which < 69) return `(drop (call $cancel_timer ${this.pick(["(global.get $lastTimer)", `(i32.const ${this.pick(EDGE_I32)})`])}))`;
    if (which < 78) {
      const level = this.hostile() ? this.pick([-1, 4, 0x7fffffff]) : this.rng.below(4);
      const [ptr, len] = this.hostile()
        ? this.pick<[string, number]>([[this.ptr(LOG_AREA, 16, 1), 513], [this.ptr(LOG_AREA, 16, 1), -1], [`(i32.const ${this.memPages * PAGE - 4})`, 16], [`(i32.const -1)`, 2]])
        : [`(i32.const ${this.pick([LOG_AREA, LOG_AREA + 32, LOG_AREA + 64])})`, this.pick([0, 5, 15, 25, 512])];
      return `(drop (call $log (i32.const ${level}) ${ptr} (i32.const ${len})))`;
    }
    if (which < 84) {
      const [key, len] = this.hostile()
        ? this.pick<[number, number]>([[KEY_AREA + 24, 3], [KEY_AREA + 32, 70], [KEY_AREA, 0], [KEY_AREA, -1]])
        : this.pick<[number, number]>([[KEY_AREA, 8], [KEY_AREA + 16, 1], [KEY_AREA + 32, 64]]);
      return `(drop (call $param (i32.const ${key}) (i32.const ${len}) ${this.ptr(TIME_AREA, 8, 8)}))`;
    }
    if (which < 89) return `(drop (call $instrument_info ${this.instrument()} ${this.ptr(OUT_AREA, 32, 8)}))`;
    if (which < 92) return this.memoryStorm();
    if (which < 94) return `(drop (memory.grow (i32.const ${this.pick([0, 1, 2, 64, 1000, -1])})))`;
    if (which < 96) return `(global.set $i (i32.const 0)) (loop $spin (global.set $i (i32.add (global.get $i) (i32.const 1))) (br_if $spin (i32.lt_u (global.get $i) (i32.const ${this.pick([10, 1000, 100_000, 10_000_000])}))))`;
    if (which < 97 && this.hostile()) return `(call $abort ${this.ptr(LOG_AREA, 8, 1)} ${this.ptr(LOG_AREA, 8, 1)} (i32.const ${this.pick(EDGE_I32)}) (i32.const ${this.pick(EDGE_I32)}))`;
    return `(drop (call $read_position (i32.const 0) (i32.const ${OUT_AREA})))`;
  }

  private memoryStorm(): string {
    const size = this.hostile() ? this.pick([0x7fffffff, -1, this.memPages * PAGE + 1]) : this.pick([64, 4096, this.memPages * PAGE - 16416]);
    return this.rng.below(2) === 0
      ? `(memory.fill (i32.const 16384) (i32.const ${this.rng.below(256)}) (i32.const ${size}))`
      : `(memory.copy (i32.const 16384) (i32.const 16400) (i32.const ${size}))`;
  }

  private instrument(): string {
    return `(i32.const ${this.hostile() ? this.pick([2, 99, -1, 0x7fffffff]) : this.rng.below(2)})`;
  }

  private orderId(): string {
    if (this.hostile()) return `(i32.const ${this.pick(EDGE_I32)})`;
    return this.pick(["(global.get $lastOrder)", "(global.get $lastOrder)", `(i32.load (i32.const ${EVENT + EventOffset.ref}))`, "(i32.const 1)"]);
  }

  /**
   * A record pointer: mostly `base` (aligned, in bounds); hostile choices
   * land past the end, at a negative address, misaligned, on the event
   * buffer itself, or exactly at the end of the current memory.
   */
  private ptr(base: number, size: number, align: number): string {
    if (!this.hostile()) return `(i32.const ${base})`;
    const end = this.memPages * PAGE;
    return this.pick([
      `(i32.const ${end - size + align})`,
      `(i32.const ${end})`,
      "(i32.const -8)",
      "(i32.const 0x7ffffff8)",
      `(i32.const ${base + (align > 1 ? 1 + this.rng.below(align - 1) : 0)})`,
      `(i32.const ${EVENT})`,
      `(i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const ${size}))`,
    ]);
  }

  private submit(cb: string): string {
    const slot = ORDER_AREA + 32 * this.rng.below(8);
    const market = this.rng.below(3) === 0;
    const field = <T>(good: T, bad: readonly T[]): T => (this.hostile() ? this.pick(bad) : good);
    // Orders from market and order callbacks follow the event's own instrument.
    const instrumentExpr = this.hostile()
      ? `(i32.const ${this.pick([2, 99, -1, 0x7fffffff])})`
      : cb === "rf_on_market" || cb === "rf_on_order"
        ? `(i32.load (i32.const ${EVENT + EventOffset.instrument}))`
        : `(i32.const ${this.rng.below(2)})`;
    const side = field(1 + this.rng.below(2), [0, 3, 255]);
    const type = field(market ? 2 : 1, [0, 3, 2, 1]);
    const tif = field(market || this.rng.below(2) === 0 ? 2 : 1, [0, 3, 9]);
    const rsv0 = field(0, [1, 255]);
    const rsv1 = field(0, [1, -1]);
    // Limit prices come from the event in the buffer (a quote's bid, a trade's price), a few ticks either side.
    const delta = this.rng.below(7) - 3;
    const goodPrice = market ? "(i64.const 0)" : `(i64.add (i64.load (i32.const ${EVENT + EventOffset.price})) (i64.const ${delta}))`;
    const price = this.hostile() ? `(i64.const ${this.pick(BAD_I64)})` : goodPrice;
    const qty = this.hostile() ? `(i64.const ${this.pick([...BAD_I64, "1000", "1001", "100000"])})` : `(i64.const ${1 + this.rng.below(5)})`;
    const writes = `(i32.store (i32.const ${slot}) ${instrumentExpr})
      (i32.store8 (i32.const ${slot + 4}) (i32.const ${side})) (i32.store8 (i32.const ${slot + 5}) (i32.const ${type}))
      (i32.store8 (i32.const ${slot + 6}) (i32.const ${tif})) (i32.store8 (i32.const ${slot + 7}) (i32.const ${rsv0}))
      (i64.store (i32.const ${slot + 8}) ${price}) (i64.store (i32.const ${slot + 16}) ${qty})
      (i32.store (i32.const ${slot + 24}) (i32.const ${this.rng.nextU32() | 0})) (i32.store (i32.const ${slot + 28}) (i32.const ${rsv1}))`;
    const ptr = this.hostile() ? this.ptr(slot, 32, 8) : `(i32.const ${slot})`;
    return `${writes} (global.set $r (call $submit_order ${ptr})) (if (i32.gt_s (global.get $r) (i32.const 0)) (then (global.set $lastOrder (global.get $r))))`;
  }
}
