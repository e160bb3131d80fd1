import { EventKind } from "../abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import { formatFixed, formatHalfTicks } from "./decimal.ts";
import type { InstrumentSpec } from "./instrument.ts";
import { spanNs, timeNsToIso } from "./timeNs.ts";

const TWO_32 = 4294967296;

/** One instrument's line of `ringfence inspect`; prices and volume as exact decimals. */
export interface InstrumentReport {
  id: number;
  symbol: string;
  quotes: number;
  trades: number;
  buyTrades: number;
  sellTrades: number;
  /** Sum of trade quantities, in units (qtyDecimals applied). */
  volume: string;
  /** Mid = (bid + ask) / 2 over quotes; null without quotes. */
  mid: { min: string; max: string; last: string } | null;
  trade: { min: string; max: string; last: string } | null;
  /** Mean of ask - bid in ticks, 2 decimals; null without quotes. */
  avgSpreadTicks: number | null;
}

export interface EventsReport {
  kinds: { quote: number; trade: number; fill: number; orderUpdate: number; timer: number };
  /** First and last event time; null for an empty recording. */
  time: { first: string; last: string; spanNs: number } | null;
  instruments: InstrumentReport[];
}

/**
 * Accumulates what inspect shows, block by block, in O(instruments) memory.
 * add() does not allocate; report() does. Mids are kept in half ticks
 * (bid + ask) so they stay integers.
 */
export class RecordingStats {
  private readonly kinds = new Float64Array(8);
  private readonly quotes: Float64Array;
  private readonly trades: Float64Array;
  private readonly buys: Float64Array;
  private readonly sells: Float64Array;
  private readonly volume: Float64Array;
  private readonly spreadSum: Float64Array;
  private readonly midMin: Float64Array;
  private readonly midMax: Float64Array;
  private readonly midLast: Float64Array;
  private readonly tradeMin: Float64Array;
  private readonly tradeMax: Float64Array;
  private readonly tradeLast: Float64Array;
  private count = 0;
  private firstLo = 0;
  private firstHi = 0;
  private lastLo = 0;
  private lastHi = 0;

  constructor(private readonly instruments: readonly InstrumentSpec[]) {
    const k = instruments.length;
    this.quotes = new Float64Array(k);
    this.trades = new Float64Array(k);
    this.buys = new Float64Array(k);
    this.sells = new Float64Array(k);
    this.volume = new Float64Array(k);
    this.spreadSum = new Float64Array(k);
    this.midMin = new Float64Array(k).fill(Infinity);
    this.midMax = new Float64Array(k).fill(-Infinity);
    this.midLast = new Float64Array(k);
    this.tradeMin = new Float64Array(k).fill(Infinity);
    this.tradeMax = new Float64Array(k).fill(-Infinity);
    this.tradeLast = new Float64Array(k);
  }

  /** Adds records `at .. at+n-1` of `words` (already checked by the reader). */
  add(words: Int32Array, at: number, n: number): void {
    for (let r = at; r < at + n; r++) {
      const w = r * EVENT_RECORD_WORDS;
      const kind = words[w + EventWord.kind];
      const i = words[w + EventWord.instrument];
      if (this.count === 0) {
        this.firstLo = words[w + EventWord.timeLo];
        this.firstHi = words[w + EventWord.timeHi];
      }
      this.lastLo = words[w + EventWord.timeLo];
      this.lastHi = words[w + EventWord.timeHi];
      this.count++;
      this.kinds[kind]++;
      if (kind === EventKind.Quote) {
        const bid = i64(words, w + EventWord.priceLo);
        const ask = i64(words, w + EventWord.price2Lo);
        const mid2 = bid + ask;
        this.quotes[i]++;
        this.spreadSum[i] += ask - bid;
        if (mid2 < this.midMin[i]) this.midMin[i] = mid2;
        if (mid2 > this.midMax[i]) this.midMax[i] = mid2;
        this.midLast[i] = mid2;
      } else if (kind === EventKind.Trade) {
        const price = i64(words, w + EventWord.priceLo);
        this.trades[i]++;
        const aggressor = words[w + EventWord.flags];
        if (aggressor === 1) this.buys[i]++;
        else if (aggressor === 2) this.sells[i]++;
        this.volume[i] += i64(words, w + EventWord.qtyLo);
        if (price < this.tradeMin[i]) this.tradeMin[i] = price;
        if (price > this.tradeMax[i]) this.tradeMax[i] = price;
        this.tradeLast[i] = price;
      }
    }
  }

  report(): EventsReport {
    const k = this.kinds;
    return {
      kinds: { quote: k[EventKind.Quote], trade: k[EventKind.Trade], fill: k[EventKind.Fill], orderUpdate: k[EventKind.OrderUpdate], timer: k[EventKind.Timer] },
      time:
        this.count === 0
          ? null
          : {
              first: timeNsToIso(this.firstLo, this.firstHi),
              last: timeNsToIso(this.lastLo, this.lastHi),
              spanNs: spanNs(this.firstLo, this.firstHi, this.lastLo, this.lastHi),
            },
      instruments: this.instruments.map((spec, i) => {
        const pd = spec.priceDecimals;
        return {
          id: spec.id,
          symbol: spec.symbol,
          quotes: this.quotes[i],
          trades: this.trades[i],
          buyTrades: this.buys[i],
          sellTrades: this.sells[i],
          volume: formatFixed(this.volume[i], spec.qtyDecimals),
          mid:
            this.quotes[i] === 0
              ? null
              : { min: formatHalfTicks(this.midMin[i], pd), max: formatHalfTicks(this.midMax[i], pd), last: formatHalfTicks(this.midLast[i], pd) },
          trade:
            this.trades[i] === 0
              ? null
              : { min: formatFixed(this.tradeMin[i], pd), max: formatFixed(this.tradeMax[i], pd), last: formatFixed(this.tradeLast[i], pd) },
          avgSpreadTicks: this.quotes[i] === 0 ? null : Math.round((this.spreadSum[i] / this.quotes[i]) * 100) / 100,
        };
      }),
    };
  }
}

/** A checked i64 field (the reader guarantees ±2^53) as a number. */
function i64(words: Int32Array, w: number): number {
  return words[w + 1] * TWO_32 + (words[w] >>> 0);
}
