/**
 * Quote events for the benchmarks: one instrument, a fixed 100.00/100.02
 * market, event time starting at the synthetic feed's origin and advancing
 * 1 µs per event, seq = index + 1. Written in place; never allocates.
 */
import { EVENT_RECORD_WORDS, EventWord } from "../../host/abi/eventRecord.ts";
import { EventKind } from "../../host/abi/codes.ts";
import { SYNTHETIC_START_TIME_NS_HI, SYNTHETIC_START_TIME_NS_LO } from "../../host/feed/synthetic.ts";

const TWO_32 = 4294967296;
export const QUOTE_BID_TICKS = 10_000;
export const QUOTE_ASK_TICKS = 10_002;
export const QUOTE_LOTS = 100;
export const QUOTE_GAP_NS = 1_000;

/** Writes quote number `index` (0-based) at words[at..at+16). */
export function writeQuote(words: Int32Array, at: number, index: number): void {
  for (let k = 0; k < EVENT_RECORD_WORDS; k++) words[at + k] = 0;
  words[at + EventWord.kind] = EventKind.Quote;
  setQuoteIndex(words, at, index);
  words[at + EventWord.priceLo] = QUOTE_BID_TICKS;
  words[at + EventWord.qtyLo] = QUOTE_LOTS;
  words[at + EventWord.price2Lo] = QUOTE_ASK_TICKS;
  words[at + EventWord.qty2Lo] = QUOTE_LOTS;
}

/** Rewrites only seq and time of a quote already at `at` (the per-event part). */
export function setQuoteIndex(words: Int32Array, at: number, index: number): void {
  const seq = index + 1;
  words[at + EventWord.seqLo] = seq >>> 0;
  words[at + EventWord.seqHi] = Math.floor(seq / TWO_32);
  const lo = SYNTHETIC_START_TIME_NS_LO + index * QUOTE_GAP_NS;
  const carry = Math.floor(lo / TWO_32);
  words[at + EventWord.timeLo] = lo - carry * TWO_32;
  words[at + EventWord.timeHi] = SYNTHETIC_START_TIME_NS_HI + carry;
}
