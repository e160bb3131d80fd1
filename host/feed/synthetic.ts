import { EventKind, Side } from "../abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import type { InstrumentSpec } from "./instrument.ts";
import { Xoshiro128 } from "./prng.ts";
import type { Recording } from "./recording.ts";
import type { RecordingHeaderFields } from "./recordingHeader.ts";

export interface SyntheticOptions {
  /** Any safe integer >= 0; equal options give byte-identical events. */
  seed: number;
  events: number;
  instruments: number;
}

export const SYNTHETIC_MAX_EVENTS = 100_000_000;
export const SYNTHETIC_MAX_INSTRUMENTS = 64;
/** Names the model in the header's createdBy; bump when a change alters the events a seed gives. */
export const SYNTHETIC_MODEL = "synthetic-v1";
/**
 * 2026-01-05T14:30:00Z (a Monday, US cash open) in ns since the epoch,
 * 1767623400000000000, as (hi, lo) words: it is above 2^53 (see timeNs.ts).
 */
export const SYNTHETIC_START_TIME_NS_HI = 0x1887dc1d;
export const SYNTHETIC_START_TIME_NS_LO = 0xf5ab1000;

/** Market-wide volatility regime, a two-state Markov chain stepped once per event. */
export const Regime = { Calm: 0, Volatile: 1 } as const;
/** Per-instrument drift phase, a Markov chain stepped on that instrument's events. */
export const Phase = { Neutral: 0, TrendUp: 1, TrendDown: 2, MeanRevert: 3 } as const;

interface RegimeParams {
  /** Noise scale: per-event fair-value step sd is about 1.155 * volPermille milliticks. */
  volPermille: number;
  /** Cumulative ppm for a 1-tick, 2-tick spread (3 ticks otherwise). */
  spread1Ppm: number;
  spread2Ppm: number;
  tradePpm: number;
  /** Gap between events is uniform in 1 µs + [0, 2 * meanGapNs). */
  meanGapNs: number;
  /** Quote size relative to the instrument's base size. */
  sizePercent: number;
  /** Chance per event of a 5..20 tick jump. */
  jumpPpm: number;
  /** Chance per event of leaving this regime. */
  leavePpm: number;
}

// Calm: tight 1-tick markets, thick quotes, slow tape. Volatile: 2-3 tick
// spreads, thin quotes, four times the activity, ~4x the noise, jumps.
const REGIMES: readonly RegimeParams[] = [
  { volPermille: 250, spread1Ppm: 820_000, spread2Ppm: 1_000_000, tradePpm: 220_000, meanGapNs: 400_000, sizePercent: 100, jumpPpm: 0, leavePpm: 250 },
  { volPermille: 1_100, spread1Ppm: 80_000, spread2Ppm: 540_000, tradePpm: 300_000, meanGapNs: 100_000, sizePercent: 45, jumpPpm: 400, leavePpm: 700 },
];

const PHASE_SWITCH_PPM = 400;
/** Trend phases move fair value this many milliticks per instrument event. */
const TREND_DRIFT_MILLI = 25;
/** Mean-reverting phases pull 1/64 of the distance back to the phase's anchor each event. */
const MEAN_REVERT_DIVISOR = 64;
/** Every phase pulls 1/65536 of the distance to the start price, keeping long runs bounded. */
const LONG_RUN_DIVISOR = 65_536;
/** Aggressive buyers in a trend: 62% of trades in an up-trend, 38% in a down-trend. */
const TREND_BUY_PPM = 620_000;
const ZERO_GAP_PPM = 30_000;
const PAUSE_PPM = 1_000;
const SWEEP_PPM = 50_000;
/** Price impact of a trade on fair value, milliticks (a sweep adds SWEEP_IMPACT_MILLI). */
const TRADE_IMPACT_MILLI = 100;
const SWEEP_IMPACT_MILLI = 500;
const TWO_32 = 4294967296;

/**
 * A deterministic synthetic market: K instruments, each with a fair value
 * doing a random walk (Irwin-Hall noise, integer milliticks) whose scale
 * follows a market-wide calm/volatile regime, plus per-instrument phases
 * (neutral, trending up or down, mean-reverting around an anchor). Quotes
 * straddle fair value with a regime-dependent 1-3 tick spread and varying
 * sizes; trades (~22-30% of events) hit the standing bid or lift the
 * standing ask, lean with the trend, sometimes sweep the level, and push
 * fair value (impact). Times step by 1 µs .. ~1 ms (sometimes 0, sometimes a
 * pause of up to ~34 ms) from SYNTHETIC_START_TIME_NS; seq runs 1..N.
 *
 * All math is integer (exact in doubles), so a seed gives the same events
 * on every platform. fill() streams: memory is O(instruments), whatever N.
 */
export class SyntheticFeed {
  readonly header: RecordingHeaderFields;
  private readonly rng: Xoshiro128;
  private readonly k: number;
  private readonly fairMilli: Float64Array;
  private readonly baseMilli: Float64Array;
  private readonly anchorMilli: Float64Array;
  private readonly floorMilli: Float64Array;
  private readonly volPermille: Float64Array;
  private readonly baseSize: Float64Array;
  private readonly weightCum: Float64Array;
  private readonly phases: Uint8Array;
  private readonly hasQuote: Uint8Array;
  private readonly bidTicks: Float64Array;
  private readonly askTicks: Float64Array;
  private readonly bidSize: Float64Array;
  private readonly askSize: Float64Array;
  private regimeNow: number = Regime.Calm;
  private produced = 0;
  private timeLo = SYNTHETIC_START_TIME_NS_LO;
  private timeHi = SYNTHETIC_START_TIME_NS_HI;

  constructor(private readonly options: SyntheticOptions) {
    const { seed, events, instruments } = options;
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed=${seed} must be a safe integer >= 0`);
    if (!Number.isInteger(events) || events < 0 || events > SYNTHETIC_MAX_EVENTS) {
      throw new RangeError(`events=${events} must be an integer 0..${SYNTHETIC_MAX_EVENTS}`);
    }
    if (!Number.isInteger(instruments) || instruments < 1 || instruments > SYNTHETIC_MAX_INSTRUMENTS) {
      throw new RangeError(`instruments=${instruments} must be an integer 1..${SYNTHETIC_MAX_INSTRUMENTS}`);
    }
    const k = instruments;
    this.k = k;
    this.rng = new Xoshiro128(seed);
    this.fairMilli = new Float64Array(k);
    this.baseMilli = new Float64Array(k);
    this.anchorMilli = new Float64Array(k);
    this.floorMilli = new Float64Array(k);
    this.volPermille = new Float64Array(k);
    this.baseSize = new Float64Array(k);
    this.weightCum = new Float64Array(k);
    this.phases = new Uint8Array(k);
    this.hasQuote = new Uint8Array(k);
    this.bidTicks = new Float64Array(k);
    this.askTicks = new Float64Array(k);
    this.bidSize = new Float64Array(k);
    this.askSize = new Float64Array(k);
    const specs: InstrumentSpec[] = [];
    let cum = 0;
    for (let i = 0; i < k; i++) {
      const rng = this.rng;
      const startTicks = 2_000 + rng.below(38_001); // 20.00 .. 400.00
      this.baseMilli[i] = startTicks * 1000;
      this.fairMilli[i] = startTicks * 1000 + 500; // mid-tick: first 1-tick market straddles it
      this.anchorMilli[i] = this.fairMilli[i];
      this.floorMilli[i] = Math.floor(startTicks / 20) * 1000; // reflect at 5% of the start price
      this.volPermille[i] = 700 + rng.below(801);
      this.baseSize[i] = 100 + rng.below(901);
      cum += 1 + rng.below(4); // some names trade up to 4x as often as others
      this.weightCum[i] = cum;
      specs.push({ id: i, symbol: `SYN${i}`, priceDecimals: 2, qtyDecimals: 0 });
    }
    this.header = {
      format: "ringfence-recording",
      version: 1,
      instruments: specs,
      source: "synthetic",
      createdBy: { events, generator: SYNTHETIC_MODEL, instruments, seed },
    };
  }

  /** Events still to come. */
  get remaining(): number {
    return this.options.events - this.produced;
  }

  /** The regime of the last event written (for tests and diagnostics). */
  get regime(): number {
    return this.regimeNow;
  }

  /** The drift phase instrument `i` is in now (for tests and diagnostics). */
  phaseOf(i: number): number {
    return this.phases[i];
  }

  /**
   * Writes up to `max` events as records `at, at+1, …` of `words`; returns
   * how many (0 when the feed is exhausted). Does not allocate.
   */
  fill(words: Int32Array, at: number, max: number): number {
    const n = Math.min(max, this.remaining);
    if (n > 0 && (at + n) * EVENT_RECORD_WORDS > words.length) {
      throw new RangeError(`fill(at=${at}, max=${max}) is outside words of ${words.length / EVENT_RECORD_WORDS} records`);
    }
    for (let j = 0; j < n; j++) this.next(words, (at + j) * EVENT_RECORD_WORDS);
    return n;
  }

  private next(words: Int32Array, w: number): void {
    const rng = this.rng;
    if (rng.chancePpm(REGIMES[this.regimeNow].leavePpm)) this.regimeNow ^= 1;
    const p = REGIMES[this.regimeNow];

    // Event time: never decreases, sometimes equal (a trade printing with its quote).
    let gap = 0;
    if (!rng.chancePpm(ZERO_GAP_PPM)) gap = 1_000 + rng.below(2 * p.meanGapNs);
    if (rng.chancePpm(PAUSE_PPM)) gap += rng.below(1 << 21) * 16;
    let lo = this.timeLo + gap;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      this.timeHi++;
    }
    this.timeLo = lo;

    const r = rng.below(this.weightCum[this.k - 1]);
    let i = 0;
    while (this.weightCum[i] <= r) i++;

    this.stepFairValue(i, p);

    const seq = this.produced + 1;
    this.produced++;
    words[w + EventWord.instrument] = i;
    words[w + EventWord.seqLo] = seq % TWO_32;
    words[w + EventWord.seqHi] = Math.floor(seq / TWO_32);
    words[w + EventWord.timeLo] = this.timeLo;
    words[w + EventWord.timeHi] = this.timeHi;
    words[w + EventWord.ref] = 0;

    const canTrade = this.hasQuote[i] === 1 && this.bidSize[i] > 0 && this.askSize[i] > 0;
    if (canTrade && rng.chancePpm(p.tradePpm)) this.trade(words, w, i);
    else this.quote(words, w, i, p);
  }

  private stepFairValue(i: number, p: RegimeParams): void {
    const rng = this.rng;
    if (rng.chancePpm(PHASE_SWITCH_PPM)) {
      this.phases[i] = (this.phases[i] + 1 + rng.below(3)) % 4;
      if (this.phases[i] === Phase.MeanRevert) this.anchorMilli[i] = this.fairMilli[i];
    }
    const fair = this.fairMilli[i];
    const noise = rng.below(2001) + rng.below(2001) + rng.below(2001) + rng.below(2001) - 4000;
    let step = Math.trunc((noise * p.volPermille * this.volPermille[i]) / 1_000_000);
    const phase = this.phases[i];
    if (phase === Phase.TrendUp) step += TREND_DRIFT_MILLI;
    else if (phase === Phase.TrendDown) step -= TREND_DRIFT_MILLI;
    else if (phase === Phase.MeanRevert) step += Math.trunc((this.anchorMilli[i] - fair) / MEAN_REVERT_DIVISOR);
    step += Math.trunc((this.baseMilli[i] - fair) / LONG_RUN_DIVISOR);
    if (p.jumpPpm > 0 && rng.chancePpm(p.jumpPpm)) {
      const jump = 5_000 + rng.below(15_001);
      step += rng.below(2) === 0 ? jump : -jump;
    }
    let next = fair + step;
    const floor = this.floorMilli[i];
    if (next < floor) next = 2 * floor - next; // reflect: prices stay far above 0
    this.fairMilli[i] = next;
  }

  private quote(words: Int32Array, w: number, i: number, p: RegimeParams): void {
    const rng = this.rng;
    const u = rng.below(1_000_000);
    const spread = u < p.spread1Ppm ? 1 : u < p.spread2Ppm ? 2 : 3;
    // Nearest bid such that bid + spread/2 is closest to fair value; bid < ask by construction.
    const bid = Math.floor((this.fairMilli[i] - spread * 500 + 500) / 1000);
    const ask = bid + spread;
    const base = this.baseSize[i] * p.sizePercent;
    const bidSize = Math.max(1, Math.trunc((base * (40 + rng.below(121))) / 10_000));
    const askSize = Math.max(1, Math.trunc((base * (40 + rng.below(121))) / 10_000));
    this.bidTicks[i] = bid;
    this.askTicks[i] = ask;
    this.bidSize[i] = bidSize;
    this.askSize[i] = askSize;
    this.hasQuote[i] = 1;
    words[w + EventWord.kind] = EventKind.Quote;
    writeWords(words, w + EventWord.priceLo, bid);
    writeWords(words, w + EventWord.qtyLo, bidSize);
    writeWords(words, w + EventWord.price2Lo, ask);
    writeWords(words, w + EventWord.qty2Lo, askSize);
    words[w + EventWord.flags] = 0;
  }

  private trade(words: Int32Array, w: number, i: number): void {
    const rng = this.rng;
    const phase = this.phases[i];
    const buyPpm = phase === Phase.TrendUp ? TREND_BUY_PPM : phase === Phase.TrendDown ? 1_000_000 - TREND_BUY_PPM : 500_000;
    const buy = rng.chancePpm(buyPpm);
    const available = buy ? this.askSize[i] : this.bidSize[i];
    const sweep = rng.chancePpm(SWEEP_PPM);
    // Two nested draws skew sizes small (many odd lots, few large prints), as on a real tape.
    const qty = sweep ? available : 1 + rng.below(1 + rng.below(available));
    const price = buy ? this.askTicks[i] : this.bidTicks[i];
    if (buy) this.askSize[i] = available - qty;
    else this.bidSize[i] = available - qty;
    const impact = TRADE_IMPACT_MILLI + (qty === available ? SWEEP_IMPACT_MILLI : 0);
    this.fairMilli[i] += buy ? impact : -impact;
    words[w + EventWord.kind] = EventKind.Trade;
    writeWords(words, w + EventWord.priceLo, price);
    writeWords(words, w + EventWord.qtyLo, qty);
    writeWords(words, w + EventWord.price2Lo, 0);
    writeWords(words, w + EventWord.qty2Lo, 0);
    words[w + EventWord.flags] = buy ? Side.Buy : Side.Sell;
  }
}

/** Writes a non-negative safe integer as i64 words (no allocation). */
function writeWords(words: Int32Array, w: number, v: number): void {
  words[w] = v % TWO_32;
  words[w + 1] = Math.floor(v / TWO_32);
}

/**
 * The whole synthetic recording in memory (events * 64 bytes). For large N
 * stream instead: SyntheticFeed.fill into a block-sized buffer and
 * RecordingWriter.append, as `ringfence record synthetic` does.
 */
export function generateSynthetic(o: SyntheticOptions): Recording {
  const feed = new SyntheticFeed(o);
  const events = new Int32Array(o.events * EVENT_RECORD_WORDS);
  const count = feed.fill(events, 0, o.events);
  return { header: { ...feed.header, events: count }, events, count };
}
