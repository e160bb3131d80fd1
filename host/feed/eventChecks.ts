import { EventKind, Side } from "../abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import { joinI64 } from "../abi/int64.ts";

// High word bounds of an i64 whose value is within ±2^53 (int64.ts's safe range).
const SAFE_HI_MAX = 0x1fffff;
const SAFE_HI_MIN = -0x200000;

/** Days in `hiWords` high words of event time (2^32 ns each), rounded down. */
function spanDays(hiWords: number): number {
  return Math.floor((hiWords * 2 ** 32) / 86_400e9);
}

/** The most an event's high time word may exceed the first event's (see EventStreamChecker). */
export const MAX_TIME_HI_SPAN = SAFE_HI_MAX;
/** That span in whole days (104). */
export const MAX_SPAN_DAYS = spanDays(MAX_TIME_HI_SPAN);

/**
 * The rules every event of a recording obeys, checked the same way by the
 * writer (so it never writes a file the reader refuses) and the reader:
 *   - kind is an EventKind, instrument is declared in the header;
 *   - seq is a safe integer >= 0, never decreases, and strictly increases
 *     from one market event (Quote, Trade) to the next — Fill, OrderUpdate
 *     and Timer carry the seq of the market event that caused them;
 *   - timeNs >= 0 and never decreases (compared as hi/lo words: real epoch
 *     nanoseconds are above 2^53, so they are never joined into a number);
 *   - no event's high time word is more than 2^21 - 1 above the first
 *     event's: a strategy's clock (host/engine/strategyRunner.ts) counts ns
 *     from the first event's high word as a double, exact below 2^53 ns
 *     (~104 days); past that, event_time, timers and the throttle window
 *     would see rounded times, so such a recording is refused, not read;
 *   - price, qty, price2, qty2 are within ±2^53; Quote and Trade quantities
 *     are >= 0; a Trade's aggressor (flags) is 0, Buy or Sell.
 * check() allocates nothing for a valid record; it builds a message only
 * for the one it refuses.
 */
export class EventStreamChecker {
  private lastSeq = 0;
  private lastMarketSeq = -1;
  private lastTimeHi = 0;
  private lastTimeLo = 0;
  private firstTimeHi = 0;
  /** Records accepted so far. */
  accepted = 0;

  constructor(private readonly instrumentCount: number) {}

  /** Checks the record at `words[record * 16 ...]`; null when valid (and remembered), else why not. */
  check(words: Int32Array, record: number): string | null {
    const w = record * EVENT_RECORD_WORDS;
    const kind = words[w + EventWord.kind];
    if (kind < EventKind.Quote || kind > EventKind.Timer) return `unknown event kind ${kind >>> 0}`;
    const instrument = words[w + EventWord.instrument] >>> 0;
    if (instrument >= this.instrumentCount) {
      return `instrument ${instrument} is not declared (the header has ${this.instrumentCount})`;
    }
    const seq = joinI64(words[w + EventWord.seqLo], words[w + EventWord.seqHi]);
    if (!(seq >= 0)) return "seq is negative or above 2^53";
    if (seq < this.lastSeq) return `seq ${seq} after ${this.lastSeq} (seq must not decrease)`;
    const market = kind === EventKind.Quote || kind === EventKind.Trade;
    if (market && seq <= this.lastMarketSeq) {
      return `market event seq ${seq} after ${this.lastMarketSeq} (Quote/Trade seq must increase)`;
    }
    const timeHi = words[w + EventWord.timeHi];
    const timeLo = words[w + EventWord.timeLo] >>> 0;
    if (timeHi < 0) return "timeNs is negative";
    if (timeHi < this.lastTimeHi || (timeHi === this.lastTimeHi && timeLo < this.lastTimeLo)) {
      return "timeNs goes backwards (event time must not decrease)";
    }
    if (this.accepted === 0) this.firstTimeHi = timeHi;
    else if (timeHi - this.firstTimeHi > MAX_TIME_HI_SPAN) {
      return `timeNs is ${spanDays(timeHi - this.firstTimeHi)} days after the first event's; a recording spans at most ${MAX_SPAN_DAYS} days (2^53 ns, the span a strategy's clock counts exactly): split it`;
    }
    const priceHi = words[w + EventWord.priceHi];
    const qtyHi = words[w + EventWord.qtyHi];
    const price2Hi = words[w + EventWord.price2Hi];
    const qty2Hi = words[w + EventWord.qty2Hi];
    if (
      priceHi > SAFE_HI_MAX || priceHi < SAFE_HI_MIN || qtyHi > SAFE_HI_MAX || qtyHi < SAFE_HI_MIN ||
      price2Hi > SAFE_HI_MAX || price2Hi < SAFE_HI_MIN || qty2Hi > SAFE_HI_MAX || qty2Hi < SAFE_HI_MIN
    ) {
      return "price or quantity outside ±2^53";
    }
    if (market && (qtyHi < 0 || qty2Hi < 0)) return "negative quantity in a market event";
    if (kind === EventKind.Trade) {
      const aggressor = words[w + EventWord.flags];
      if (aggressor !== 0 && aggressor !== Side.Buy && aggressor !== Side.Sell) return `trade aggressor ${aggressor >>> 0} is not 0, Buy or Sell`;
    }
    this.lastSeq = seq;
    if (market) this.lastMarketSeq = seq;
    this.lastTimeHi = timeHi;
    this.lastTimeLo = timeLo;
    this.accepted++;
    return null;
  }
}
