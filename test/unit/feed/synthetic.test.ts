import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EventKind, Side } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { EventStreamChecker } from "../../../host/feed/eventChecks.ts";
import { encodeRecording } from "../../../host/feed/recording.ts";
import { RecordingWriter } from "../../../host/feed/recordingWriter.ts";
import { MemorySink } from "../../../host/feed/sinks.ts";
import {
  generateSynthetic,
  Phase,
  Regime,
  SYNTHETIC_MAX_EVENTS,
  SYNTHETIC_MODEL,
  SYNTHETIC_START_TIME_NS_HI,
  SYNTHETIC_START_TIME_NS_LO,
  SyntheticFeed,
} from "../../../host/feed/synthetic.ts";
import { timeNsToBigInt } from "../../../host/feed/timeNs.ts";

const W = EVENT_RECORD_WORDS;
const TWO_32 = 4294967296;
const num = (words: Int32Array, w: number) => words[w + 1] * TWO_32 + (words[w] >>> 0);

function eventsSha(words: Int32Array): string {
  return createHash("sha256").update(new Uint8Array(words.buffer, words.byteOffset, words.byteLength)).digest("hex");
}

describe("generateSynthetic: determinism", () => {
  it("the same options give the same events; another seed gives others", () => {
    const a = generateSynthetic({ seed: 17, events: 20_000, instruments: 5 });
    const b = generateSynthetic({ seed: 17, events: 20_000, instruments: 5 });
    const c = generateSynthetic({ seed: 18, events: 20_000, instruments: 5 });
    expect(eventsSha(a.events)).toBe(eventsSha(b.events));
    expect(eventsSha(a.events)).not.toBe(eventsSha(c.events));
    expect(a.header).toEqual(b.header);
    const bytes = encodeRecording(a.header, a.events, a.count);
    expect(Buffer.from(bytes).equals(Buffer.from(encodeRecording(b.header, b.events, b.count)))).toBe(true);
  });

  it("is pinned: a change to the model must bump SYNTHETIC_MODEL and this digest together", () => {
    const r = generateSynthetic({ seed: 1, events: 10_000, instruments: 3 });
    expect(SYNTHETIC_MODEL).toBe("synthetic-v1");
    expect(eventsSha(r.events)).toBe("8277bd3404cfc834515fa38e894a1024758fbf5c41106df6ccbf873a500e343e");
  });

  it("streaming in odd chunks gives the same events as one call, and the same file as encodeRecording", () => {
    const o = { seed: 99, events: 12_345, instruments: 4 };
    const whole = generateSynthetic(o);
    const feed = new SyntheticFeed(o);
    const chunk = new Int32Array(777 * W);
    const sink = new MemorySink();
    const writer = new RecordingWriter(sink, feed.header);
    const streamed = new Int32Array(o.events * W);
    let at = 0;
    for (let n = feed.fill(chunk, 0, 777); n > 0; n = feed.fill(chunk, 0, 777)) {
      streamed.set(chunk.subarray(0, n * W), at * W);
      writer.append(chunk, 0, n);
      at += n;
    }
    writer.finish();
    expect(at).toBe(o.events);
    expect(feed.remaining).toBe(0);
    expect(feed.fill(chunk, 0, 777)).toBe(0);
    expect(eventsSha(streamed)).toBe(eventsSha(whole.events));
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(encodeRecording(whole.header, whole.events, whole.count)))).toBe(true);
  });

  it("describes itself: SYN symbols, 2 price decimals, creation parameters and no clock", () => {
    const r = generateSynthetic({ seed: 5, events: 10, instruments: 3 });
    expect(r.header.instruments).toEqual([0, 1, 2].map((i) => ({ id: i, symbol: `SYN${i}`, priceDecimals: 2, qtyDecimals: 0 })));
    expect(r.header.source).toBe("synthetic");
    expect(r.header.createdBy).toEqual({ events: 10, generator: SYNTHETIC_MODEL, instruments: 3, seed: 5 });
    expect(r.header.events).toBe(10);
  });

  it("starts at 2026-01-05T14:30:00Z", () => {
    const start = timeNsToBigInt(SYNTHETIC_START_TIME_NS_LO, SYNTHETIC_START_TIME_NS_HI);
    expect(start).toBe(BigInt(Date.UTC(2026, 0, 5, 14, 30, 0)) * 1_000_000n);
  });

  it("refuses options out of range, naming them", () => {
    expect(() => new SyntheticFeed({ seed: -1, events: 1, instruments: 1 })).toThrow(/seed=-1/);
    expect(() => new SyntheticFeed({ seed: 1, events: SYNTHETIC_MAX_EVENTS + 1, instruments: 1 })).toThrow(/events=100000001/);
    expect(() => new SyntheticFeed({ seed: 1, events: 1, instruments: 0 })).toThrow(/instruments=0/);
    expect(() => new SyntheticFeed({ seed: 1, events: 1, instruments: 65 })).toThrow(/instruments=65/);
  });
});

describe("generateSynthetic: a market a strategy can trade", () => {
  const K = 5;
  const N = 200_000;
  const rec = generateSynthetic({ seed: 2026, events: N, instruments: K });
  const ev = rec.events;

  // Plain checks in the loops (one expect per event would dominate the run); the first violation is reported.
  it("every event passes the recording rules; seq is 1..N; time starts after the epoch and never decreases", () => {
    const checker = new EventStreamChecker(K);
    let prevHi = SYNTHETIC_START_TIME_NS_HI;
    let prevLo = SYNTHETIC_START_TIME_NS_LO;
    let zeroGaps = 0;
    let maxGapNs = 0;
    let problem: string | null = null;
    for (let e = 0; e < N && problem === null; e++) {
      const w = e * W;
      problem = checker.check(ev, e);
      if (num(ev, w + EventWord.seqLo) !== e + 1) problem = `event ${e}: seq ${num(ev, w + EventWord.seqLo)}`;
      const hi = ev[w + EventWord.timeHi];
      const lo = ev[w + EventWord.timeLo] >>> 0;
      const gap = (hi - prevHi) * TWO_32 + (lo - prevLo);
      if (gap < 0) problem = `event ${e}: time goes back by ${-gap} ns`;
      if (gap === 0) zeroGaps++;
      maxGapNs = Math.max(maxGapNs, gap);
      prevHi = hi;
      prevLo = lo;
    }
    expect(problem).toBeNull();
    expect(zeroGaps).toBeGreaterThan(0);
    expect(maxGapNs).toBeLessThan(40_000_000); // pauses stay under ~34 ms
    const spanNs = (prevHi - SYNTHETIC_START_TIME_NS_HI) * TWO_32 + (prevLo - SYNTHETIC_START_TIME_NS_LO);
    const meanGapUs = spanNs / N / 1000;
    expect(meanGapUs).toBeGreaterThan(20);
    expect(meanGapUs).toBeLessThan(1000);
  });

  it("quotes have 0 < bid < ask with a 1-3 tick spread and sizes > 0; trades print at the standing bid or ask", () => {
    const bid = new Array(K).fill(0);
    const ask = new Array(K).fill(0);
    const bidSize = new Array(K).fill(0);
    const askSize = new Array(K).fill(0);
    let trades = 0;
    const sides = [0, 0, 0];
    let problem: string | null = null;
    for (let e = 0; e < N && problem === null; e++) {
      const w = e * W;
      const i = ev[w + EventWord.instrument];
      const price = num(ev, w + EventWord.priceLo);
      const qty = num(ev, w + EventWord.qtyLo);
      if (ev[w] === EventKind.Quote) {
        const a = num(ev, w + EventWord.price2Lo);
        const aSize = num(ev, w + EventWord.qty2Lo);
        if (!(price > 0 && a - price >= 1 && a - price <= 3 && qty > 0 && aSize > 0)) problem = `event ${e}: quote ${qty}@${price} / ${aSize}@${a}`;
        bid[i] = price;
        ask[i] = a;
        bidSize[i] = qty;
        askSize[i] = aSize;
        continue;
      }
      const side = ev[w + EventWord.flags];
      trades++;
      sides[side]++;
      if (ev[w] !== EventKind.Trade) problem = `event ${e}: kind ${ev[w]}`;
      else if (bid[i] === 0) problem = `event ${e}: trade before the instrument's first quote`;
      else if (side === Side.Buy && !(price === ask[i] && qty > 0 && qty <= askSize[i])) problem = `event ${e}: buy ${qty}@${price}, ask ${askSize[i]}@${ask[i]}`;
      else if (side === Side.Sell && !(price === bid[i] && qty > 0 && qty <= bidSize[i])) problem = `event ${e}: sell ${qty}@${price}, bid ${bidSize[i]}@${bid[i]}`;
      else if (side !== Side.Buy && side !== Side.Sell) problem = `event ${e}: aggressor ${side}`;
      if (side === Side.Buy) askSize[i] -= qty;
      else bidSize[i] -= qty;
    }
    expect(problem).toBeNull();
    expect(trades / N).toBeGreaterThan(0.2);
    expect(trades / N).toBeLessThan(0.32);
    expect(sides[Side.Buy]).toBeGreaterThan(trades * 0.4);
    expect(sides[Side.Sell]).toBeGreaterThan(trades * 0.4);
  });

  it("every instrument trades, at its own price level", () => {
    const firstMid = new Array(K).fill(0);
    const counts = new Array(K).fill(0);
    for (let e = 0; e < N; e++) {
      const w = e * W;
      const i = ev[w + EventWord.instrument];
      counts[i]++;
      if (ev[w] === EventKind.Quote && firstMid[i] === 0) firstMid[i] = num(ev, w + EventWord.priceLo);
    }
    for (const c of counts) expect(c).toBeGreaterThan(N / K / 5);
    expect(new Set(firstMid).size).toBe(K);
  });
});

describe("generateSynthetic: regimes and phases differ observably", () => {
  // One event at a time, reading the generator's state after each.
  const K = 3;
  const N = 150_000;
  const feed = new SyntheticFeed({ seed: 4242, events: N, instruments: K });
  const one = new Int32Array(W);
  const lastMid2 = new Array(K).fill(0);
  const lastMidPhase = new Array(K).fill(-1);
  const byRegime = [0, 1].map(() => ({ events: 0, quotes: 0, spread: 0, trades: 0, absMove: 0, moves: 0 }));
  const byPhase = [0, 1, 2, 3].map(() => ({ move: 0, moves: 0, buys: 0, trades: 0 }));
  for (let e = 0; e < N; e++) {
    feed.fill(one, 0, 1);
    const i = one[EventWord.instrument];
    const phase = feed.phaseOf(i);
    const r = byRegime[feed.regime];
    r.events++;
    if (one[EventWord.kind] === EventKind.Quote) {
      const bid = num(one, EventWord.priceLo);
      const ask = num(one, EventWord.price2Lo);
      r.quotes++;
      r.spread += ask - bid;
      const mid2 = bid + ask;
      if (lastMid2[i] !== 0) {
        r.absMove += Math.abs(mid2 - lastMid2[i]);
        r.moves++;
        if (lastMidPhase[i] === phase) {
          byPhase[phase].move += mid2 - lastMid2[i];
          byPhase[phase].moves++;
        }
      }
      lastMid2[i] = mid2;
      lastMidPhase[i] = phase;
    } else {
      r.trades++;
      byPhase[phase].trades++;
      if (one[EventWord.flags] === Side.Buy) byPhase[phase].buys++;
    }
  }
  const [calm, volatile] = [byRegime[Regime.Calm], byRegime[Regime.Volatile]];

  it("both regimes occur for a good share of the run", () => {
    expect(calm.events / N).toBeGreaterThan(0.3);
    expect(volatile.events / N).toBeGreaterThan(0.1);
  });

  it("volatile markets are wider, move more and trade more", () => {
    const spreadCalm = calm.spread / calm.quotes;
    const spreadVolatile = volatile.spread / volatile.quotes;
    expect(spreadCalm).toBeLessThan(1.5);
    expect(spreadVolatile).toBeGreaterThan(2);
    expect(volatile.absMove / volatile.moves).toBeGreaterThan(2 * (calm.absMove / calm.moves));
    expect(volatile.trades / volatile.events).toBeGreaterThan(calm.trades / calm.events + 0.04);
  });

  it("every phase occurs; trends drift their way and lean the tape", () => {
    for (const p of byPhase) expect(p.moves).toBeGreaterThan(1000);
    const drift = (p: number) => byPhase[p].move / byPhase[p].moves;
    expect(drift(Phase.TrendUp)).toBeGreaterThan(0);
    expect(drift(Phase.TrendDown)).toBeLessThan(0);
    expect(drift(Phase.TrendUp)).toBeGreaterThan(drift(Phase.Neutral));
    expect(drift(Phase.TrendDown)).toBeLessThan(drift(Phase.Neutral));
    const buyShare = (p: number) => byPhase[p].buys / byPhase[p].trades;
    expect(buyShare(Phase.TrendUp)).toBeGreaterThan(0.55);
    expect(buyShare(Phase.TrendDown)).toBeLessThan(0.45);
  });
});
