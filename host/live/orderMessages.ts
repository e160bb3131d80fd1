import { EVENT_RECORD_WORDS, copyRecord } from "../abi/eventRecord.ts";
import { hi32, joinI64, lo32 } from "../abi/int64.ts";
import type { Fault, FaultKind } from "../sandbox/faults.ts";
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
 *   Fault     4   strategy | eventIndexLo | eventIndexHi | fuelAtFault | kindCode | callbackBytes | messageBytes
 *                 | callback UTF-8 | message UTF-8                                   (7 words + text; each text is
 *                 cut on a character boundary, to MAX_FAULT_CALLBACK_BYTES / MAX_FAULT_TEXT_BYTES)
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
export const FAULT_MSG_HEADER_WORDS = 7;
export const GAP_MSG_WORDS = 5;
export const ATTACH_MSG_WORDS = 4;
export const CALLBACK_MSG_WORDS = 5;
/** Bytes of a fault's message text a Fault message carries (cut on a UTF-8 character boundary). */
export const MAX_FAULT_TEXT_BYTES = 400;
/** Bytes of the callback name (rf_on_market, ...: ASCII, far shorter). */
export const MAX_FAULT_CALLBACK_BYTES = 64;

export const FaultField = { strategy: 0, eventLo: 1, eventHi: 2, fuelAtFault: 3, kind: 4, callbackBytes: 5, messageBytes: 6 } as const;

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

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * The longest prefix of `text` whose UTF-8 fits in maxBytes: encodeInto
 * writes only whole characters, so the cut never splits one. Allocates.
 */
export function utf8Prefix(text: string, maxBytes: number): Uint8Array {
  const out = new Uint8Array(maxBytes);
  return out.subarray(0, utf8.encodeInto(text, out).written);
}

/** A fault's texts as a Fault message carries them (allocates: a strategy faults at most once). */
export interface FaultTexts {
  readonly callback: Uint8Array;
  readonly message: Uint8Array;
}

export function faultTexts(f: Fault): FaultTexts {
  return { callback: utf8Prefix(f.callback, MAX_FAULT_CALLBACK_BYTES), message: utf8Prefix(f.message, MAX_FAULT_TEXT_BYTES) };
}

/** Payload bytes of the Fault message for these texts. */
export function faultPayloadBytes(t: FaultTexts): number {
  return FAULT_MSG_HEADER_WORDS * 4 + t.callback.length + t.message.length;
}

/** Writes a Fault payload at byte `at` (4-aligned) of the ring's bytes/words: the one encoder of it. */
export function writeFaultPayload(w: Int32Array, bytes: Uint8Array, at: number, strategy: number, f: Fault, t: FaultTexts): void {
  const b = at >> 2;
  w[b + FaultField.strategy] = strategy;
  w[b + FaultField.eventLo] = lo32(f.atEvent);
  w[b + FaultField.eventHi] = hi32(f.atEvent);
  w[b + FaultField.fuelAtFault] = f.fuelAtFault;
  w[b + FaultField.kind] = FaultKindCode.indexOf(f.kind);
  w[b + FaultField.callbackBytes] = t.callback.length;
  w[b + FaultField.messageBytes] = t.message.length;
  const text = at + FAULT_MSG_HEADER_WORDS * 4;
  bytes.set(t.callback, text);
  bytes.set(t.message, text + t.callback.length);
}

/**
 * Reads a Fault payload of `length` bytes at byte `at`: the one decoder of
 * it. Text lengths are clamped to the payload, an unknown kind code reads as
 * a trap. Allocates.
 */
export function readFaultPayload(w: Int32Array, bytes: Uint8Array, at: number, length: number): { strategy: number; fault: Fault } {
  const b = at >> 2;
  const text = at + FAULT_MSG_HEADER_WORDS * 4;
  const end = at + Math.max(FAULT_MSG_HEADER_WORDS * 4, length);
  const callbackEnd = Math.min(end, text + Math.max(0, w[b + FaultField.callbackBytes]));
  const messageEnd = Math.min(end, callbackEnd + Math.max(0, w[b + FaultField.messageBytes]));
  const fault: Fault = {
    kind: (FaultKindCode[w[b + FaultField.kind]] ?? "trap") as FaultKind,
    atEvent: joinI64(w[b + FaultField.eventLo], w[b + FaultField.eventHi]),
    fuelAtFault: w[b + FaultField.fuelAtFault],
    callback: utf8Decoder.decode(bytes.slice(text, callbackEnd)) || "-",
    message: utf8Decoder.decode(bytes.slice(callbackEnd, messageEnd)),
  };
  return { strategy: w[b + FaultField.strategy], fault };
}
