import { EventKind, OrderType, Side, TimeInForce } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { writeI64 } from "../../../host/abi/int64.ts";
import type { EventQueue } from "../../../host/venue/eventQueue.ts";
import type { OrderFields } from "../../../host/venue/orderFields.ts";

/** A Quote record in a fresh 16-word array (word offset 0). */
export function quote(instrument: number, bid: number, bidLots: number, ask: number, askLots: number, timeNs = 1_000, seq = 1): Int32Array {
  const w = new Int32Array(EVENT_RECORD_WORDS);
  w[EventWord.kind] = EventKind.Quote;
  w[EventWord.instrument] = instrument;
  writeI64(w, EventWord.seqLo, seq);
  writeI64(w, EventWord.timeLo, timeNs);
  writeI64(w, EventWord.priceLo, bid);
  writeI64(w, EventWord.qtyLo, bidLots);
  writeI64(w, EventWord.price2Lo, ask);
  writeI64(w, EventWord.qty2Lo, askLots);
  return w;
}

export function trade(instrument: number, price: number, lots: number, timeNs = 1_000, seq = 1): Int32Array {
  const w = new Int32Array(EVENT_RECORD_WORDS);
  w[EventWord.kind] = EventKind.Trade;
  w[EventWord.instrument] = instrument;
  writeI64(w, EventWord.seqLo, seq);
  writeI64(w, EventWord.timeLo, timeNs);
  writeI64(w, EventWord.priceLo, price);
  writeI64(w, EventWord.qtyLo, lots);
  return w;
}

export function limit(side: number, priceTicks: number, qtyLots: number, tif: number = TimeInForce.GTC, instrument = 0): OrderFields {
  return { instrument, side, type: OrderType.Limit, tif, priceTicks, qtyLots, clientTag: 7 } as OrderFields;
}

export function market(side: number, qtyLots: number, instrument = 0): OrderFields {
  return { instrument, side, type: OrderType.Market, tif: TimeInForce.IOC, priceTicks: 0, qtyLots, clientTag: 9 } as OrderFields;
}

export const BUY = Side.Buy;
export const SELL = Side.Sell;

export type QueuedEvent =
  | { kind: "fill"; instrument: number; seq: number; timeNs: number; priceTicks: number; qtyLots: number; leavesLots: number; orderId: number; side: number }
  | { kind: "update"; instrument: number; seq: number; timeNs: number; priceTicks: number; leavesLots: number; cumLots: number; orderId: number; status: number; reason: number }
  | { kind: "timer"; seq: number; timeNs: number; timerId: number; tag: number }
  | { kind: "other"; code: number };

/** Reads and clears the queue, as plain objects for readable assertions. */
export function drain(q: EventQueue): QueuedEvent[] {
  const out: QueuedEvent[] = [];
  for (let i = 0; i < q.length; i++) {
    const k = q.kindAt(i);
    const common = { instrument: q.wordAt(i, EventWord.instrument), seq: q.i64At(i, EventWord.seqLo), timeNs: q.i64At(i, EventWord.timeLo) };
    if (k === EventKind.Fill) {
      out.push({
        kind: "fill", ...common, priceTicks: q.i64At(i, EventWord.priceLo), qtyLots: q.i64At(i, EventWord.qtyLo),
        leavesLots: q.i64At(i, EventWord.qty2Lo), orderId: q.wordAt(i, EventWord.ref), side: q.wordAt(i, EventWord.flags),
      });
    } else if (k === EventKind.OrderUpdate) {
      const flags = q.wordAt(i, EventWord.flags);
      out.push({
        kind: "update", ...common, priceTicks: q.i64At(i, EventWord.priceLo), leavesLots: q.i64At(i, EventWord.qtyLo),
        cumLots: q.i64At(i, EventWord.qty2Lo), orderId: q.wordAt(i, EventWord.ref), status: flags & 0xff, reason: flags >>> 8,
      });
    } else if (k === EventKind.Timer) {
      out.push({ kind: "timer", seq: common.seq, timeNs: common.timeNs, timerId: q.wordAt(i, EventWord.ref), tag: q.wordAt(i, EventWord.flags) });
    } else {
      out.push({ kind: "other", code: k });
    }
  }
  q.clear();
  return out;
}
