import { EventKind } from "../abi/codes.ts";
import { EVENT_RECORD_WORDS, EventWord, copyRecord, clearRecord } from "../abi/eventRecord.ts";
import { readI64, writeI64 } from "../abi/int64.ts";

/** Records the queue holds before its first growth. */
export const DEFAULT_EVENT_QUEUE_CAPACITY = 64;

/**
 * The events a strategy's own actions caused (Fill, OrderUpdate, Timer),
 * waiting to be delivered, as 64-byte event records (host/abi/eventRecord.ts
 * is the only description of the bytes) in one Int32Array.
 *
 * It is a batch FIFO: producers push at the tail; the engine reads records
 * 0..length-1 in order (records pushed while it reads — a callback that
 * submits an order — land at the tail and are read in the same pass) and
 * then calls clear(). Storage grows by doubling when full and never shrinks,
 * so after warm-up a run allocates nothing here; `push*` methods allocate
 * only when they grow the array.
 */
export class EventQueue {
  private words: Int32Array;
  private count = 0;

  constructor(initialCapacity: number = DEFAULT_EVENT_QUEUE_CAPACITY) {
    if (!Number.isSafeInteger(initialCapacity) || initialCapacity < 1) {
      throw new RangeError(`EventQueue: initialCapacity must be a positive integer, got ${initialCapacity}`);
    }
    this.words = new Int32Array(initialCapacity * EVENT_RECORD_WORDS);
  }

  /** Records queued since the last clear(). */
  get length(): number {
    return this.count;
  }

  /** Records the storage holds before it must grow again. */
  get capacity(): number {
    return this.words.length / EVENT_RECORD_WORDS;
  }

  /** A Fill: `qtyLots` at `priceTicks`; `leavesLots` still working after it. */
  pushFill(
    instrument: number, seq: number, timeNs: number,
    priceTicks: number, qtyLots: number, leavesLots: number, orderId: number, side: number,
  ): void {
    const w = this.claim(EventKind.Fill, instrument, seq, timeNs);
    const a = this.words;
    writeI64(a, w + EventWord.priceLo, priceTicks);
    writeI64(a, w + EventWord.qtyLo, qtyLots);
    writeI64(a, w + EventWord.qty2Lo, leavesLots);
    a[w + EventWord.ref] = orderId;
    a[w + EventWord.flags] = side;
  }

  /** An OrderUpdate: flags = status | reason << 8 (reason: e.g. a Denial for CancelledByRisk, else 0). */
  pushOrderUpdate(
    instrument: number, seq: number, timeNs: number,
    limitTicks: number, leavesLots: number, cumFilledLots: number, orderId: number, status: number, reason: number = 0,
  ): void {
    const w = this.claim(EventKind.OrderUpdate, instrument, seq, timeNs);
    const a = this.words;
    writeI64(a, w + EventWord.priceLo, limitTicks);
    writeI64(a, w + EventWord.qtyLo, leavesLots);
    writeI64(a, w + EventWord.qty2Lo, cumFilledLots);
    a[w + EventWord.ref] = orderId;
    a[w + EventWord.flags] = (status & 0xff) | (reason << 8);
  }

  /** A Timer firing: instrument 0, ref = timer id, flags = the strategy's tag. */
  pushTimer(seq: number, timeNs: number, timerId: number, tag: number): void {
    const w = this.claim(EventKind.Timer, 0, seq, timeNs);
    this.words[w + EventWord.ref] = timerId;
    this.words[w + EventWord.flags] = tag;
  }

  /** Copies a whole record (any kind) from `src` at word offset `srcWord`. */
  pushRecord(src: Int32Array, srcWord: number): void {
    if (this.count * EVENT_RECORD_WORDS === this.words.length) this.grow();
    const a = this.words;
    const w = this.count * EVENT_RECORD_WORDS;
    copyRecord(a, w, src, srcWord);
    this.count++;
  }

  /** Copies record i into dst at word offset dstWord. i must be < length (not checked: hot path). */
  copyOut(i: number, dst: Int32Array, dstWord: number): void {
    // copyRecord rather than set(subarray(...)): subarray allocates a view per call.
    const a = this.words;
    const from = i * EVENT_RECORD_WORDS;
    copyRecord(dst, dstWord, a, from);
  }

  /** EventKind of record i. */
  kindAt(i: number): number {
    return this.words[i * EVENT_RECORD_WORDS + EventWord.kind];
  }

  /** One 32-bit word of record i (EventWord.*), e.g. ref or flags. */
  wordAt(i: number, word: number): number {
    return this.words[i * EVENT_RECORD_WORDS + word];
  }

  /** One i64 field of record i given its low word (EventWord.*Lo); NaN outside ±2^53. */
  i64At(i: number, loWord: number): number {
    return readI64(this.words, i * EVENT_RECORD_WORDS + loWord);
  }

  /** Forgets every record; keeps the storage. */
  clear(): void {
    this.count = 0;
  }

  /** Zeroes the next record, writes the common header, returns its word offset. */
  private claim(kind: number, instrument: number, seq: number, timeNs: number): number {
    if (this.count * EVENT_RECORD_WORDS === this.words.length) this.grow();
    const w = this.count * EVENT_RECORD_WORDS;
    this.count++;
    const a = this.words;
    clearRecord(a, w);
    a[w + EventWord.kind] = kind;
    a[w + EventWord.instrument] = instrument;
    writeI64(a, w + EventWord.seqLo, seq);
    writeI64(a, w + EventWord.timeLo, timeNs);
    return w;
  }

  /** Allocates: doubles the storage. */
  private grow(): void {
    const next = new Int32Array(this.words.length * 2);
    next.set(this.words);
    this.words = next;
  }
}
