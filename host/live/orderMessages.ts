import { EVENT_RECORD_WORDS, copyRecord } from "../abi/eventRecord.ts";
import { hi32, lo32 } from "../abi/int64.ts";
import type { OrderFields } from "../venue/orderFields.ts";

/**
 * Messages on the worker → host order ring (host/ring/spscRing.ts). The one
 * descriptor of their payloads; all fields are Int32 words, i64 as lo/hi.
 *
 *   type          payload words
 *   Order     1   strategy | eventIndexLo | eventIndexHi | result | instrument | side | type | tif
 *                 | priceLo | priceHi | qtyLo | qtyHi | clientTag                       (13 words: with the
 *                 header, one 64-byte cache line)
 *                 result = order id (> 0, accepted by risk and the venue) or -Denial
 *   Cancel    2   strategy | eventIndexLo | eventIndexHi | orderId | result             (5 words)
 *   Venue     3   strategy | eventIndexLo | eventIndexHi | 16-word event record (Fill/OrderUpdate) (19 words)
 *   Fault     4   strategy | eventIndexLo | eventIndexHi | fuelAtFault | kindCode | textBytes | UTF-8 text
 *   Gap       5   worker | lostRecords | lappedCount | resumeAtLo | resumeAtHi          (5 words; the reader
 *                 skipped events [resumeAt - lostRecords, resumeAt): the flight recorder
 *                 rebuilds a dead worker's ranges from these)
 *   Callback  6   strategy | eventIndexLo | eventIndexHi | fuelUsed | callbackNs     (5 words, sampled telemetry)
 *   Stamp     7   pad | pad | sentAtMs f64  (4 words; after a sampled order: the worker's
 *                 wallMs() when it wrote that order, for the order → host stage)
 *   Attach    8   worker | instance | firstEventLo | firstEventHi                    (4 words; a replacement
 *                 worker's first message: the first event index its fresh instances can see)
 */
export const OrderMsg = { Order: 1, Cancel: 2, Venue: 3, Fault: 4, Gap: 5, Callback: 6, Stamp: 7, Attach: 8 } as const;

export const ORDER_MSG_WORDS = 13;
export const STAMP_MSG_WORDS = 4;
/** Word of the f64 send time in a Stamp message (8-aligned). */
export const STAMP_SENT_AT_WORD = 2;
export const CANCEL_MSG_WORDS = 5;
export const VENUE_MSG_WORDS = 19;
export const FAULT_MSG_HEADER_WORDS = 6;
export const GAP_MSG_WORDS = 5;
export const ATTACH_MSG_WORDS = 4;
export const CALLBACK_MSG_WORDS = 5;
export const MAX_FAULT_TEXT_BYTES = 400;

export const OrderField = {
  strategy: 0, eventLo: 1, eventHi: 2, result: 3, instrument: 4, side: 5, type: 6, tif: 7,
  priceLo: 8, priceHi: 9, qtyLo: 10, qtyHi: 11, clientTag: 12,
} as const;

export const FaultKindCode: readonly string[] = [
  "out_of_fuel", "call_depth", "memory_limit", "trap", "bad_host_call", "abort", "abi", "watchdog", "disconnect",
];

/** Writes an Order payload at word b (no allocation): the one encoder of it. */
export function writeOrderPayload(w: Int32Array, b: number, strategy: number, eventIndex: number, o: OrderFields, result: number): void {
  w[b + OrderField.strategy] = strategy;
  w[b + OrderField.eventLo] = lo32(eventIndex);
  w[b + OrderField.eventHi] = hi32(eventIndex);
  w[b + OrderField.result] = result;
  w[b + OrderField.instrument] = o.instrument;
  w[b + OrderField.side] = o.side;
  w[b + OrderField.type] = o.type;
  w[b + OrderField.tif] = o.tif;
  w[b + OrderField.priceLo] = lo32(o.priceTicks);
  w[b + OrderField.priceHi] = hi32(o.priceTicks);
  w[b + OrderField.qtyLo] = lo32(o.qtyLots);
  w[b + OrderField.qtyHi] = hi32(o.qtyLots);
  w[b + OrderField.clientTag] = o.clientTag;
}

/** Writes a Venue payload (strategy, event index, one 16-word Fill/OrderUpdate record) at word b. */
export function writeVenuePayload(w: Int32Array, b: number, strategy: number, eventIndex: number, src: Int32Array, at: number): void {
  w[b] = strategy;
  w[b + 1] = lo32(eventIndex);
  w[b + 2] = hi32(eventIndex);
  copyRecord(w, b + 3, src, at);
}
