/**
 * Single-producer/single-consumer message ring (layout: spscLayout.ts).
 * Producer: tryClaim → fill the payload through `words`/`bytes` → commit.
 * Consumer: read(handler) delivers committed messages in order.
 * Hot paths return sentinels (-1) and never allocate, throw or log.
 */
import {
  SPSC_ALIGN, SPSC_CAPACITY_WORD, SPSC_DATA_BYTE, SPSC_DROPPED_WORD, SPSC_HEAD_WORD, SPSC_MSG_HEADER_BYTES, SPSC_PADDING_TYPE,
  SPSC_PARKED_WORD, SPSC_TAIL_WORD, checkSpscCapacity, maxPayloadBytes, spscRingBytes,
} from "./spscLayout.ts";
import type { WaitStrategy } from "./wait/waitStrategy.ts";

/** Allocates the shared buffer (set-up time only). */
export function createSpscRing(capacity: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(spscRingBytes(capacity));
  new Int32Array(sab)[SPSC_CAPACITY_WORD] = capacity;
  return sab;
}

/** Returned by tryClaim when the ring is full (the consumer is behind). */
export const INSUFFICIENT_CAPACITY = -1;

class SpscView {
  readonly words: Int32Array;
  readonly bytes: Uint8Array;
  readonly capacity: number;
  readonly mask: number;
  constructor(sab: SharedArrayBuffer) {
    this.words = new Int32Array(sab);
    this.bytes = new Uint8Array(sab);
    this.capacity = this.words[SPSC_CAPACITY_WORD];
    checkSpscCapacity(this.capacity);
    if (sab.byteLength < spscRingBytes(this.capacity)) throw new RangeError(`spsc ring: byteLength=${sab.byteLength} too small`);
    this.mask = this.capacity - 1;
  }
}

export class SpscProducer extends SpscView {
  private tail = 0;
  /** The consumer's head as last read: never ahead of the real one, so free space is never overstated. */
  private cachedHead = 0;
  readonly maxPayload: number;

  constructor(sab: SharedArrayBuffer, private readonly wait: WaitStrategy) {
    super(sab);
    this.tail = Atomics.load(this.words, SPSC_TAIL_WORD);
    this.cachedHead = Atomics.load(this.words, SPSC_HEAD_WORD);
    this.maxPayload = maxPayloadBytes(this.capacity);
  }

  /**
   * Reserves a message of `payloadBytes`; returns the BYTE offset of its
   * payload in `bytes` (8-aligned, so `words[offset >> 2]` works), or
   * INSUFFICIENT_CAPACITY. The message is invisible until commit().
   */
  tryClaim(type: number, payloadBytes: number): number {
    if (payloadBytes < 0 || payloadBytes > this.maxPayload || type === SPSC_PADDING_TYPE) return INSUFFICIENT_CAPACITY;
    const w = this.words;
    const recordLen = SPSC_MSG_HEADER_BYTES + payloadBytes;
    const aligned = (recordLen + SPSC_ALIGN - 1) & ~(SPSC_ALIGN - 1);
    // The consumer's head is read only when the last value read leaves too
    // little room (Disruptor's cached gating sequence): the head's cache line
    // is written by the other thread, so reading it on every claim would put
    // a cache miss in front of every order message.
    let free = this.capacity - ((this.tail - this.cachedHead) | 0);
    const index = this.tail & this.mask;
    const toEnd = this.capacity - index;
    let padding = 0;
    if (aligned > toEnd) padding = toEnd;
    if (aligned + padding > free) {
      this.cachedHead = Atomics.load(w, SPSC_HEAD_WORD);
      free = this.capacity - ((this.tail - this.cachedHead) | 0);
      if (aligned + padding > free) return INSUFFICIENT_CAPACITY;
    }
    if (padding > 0) {
      const p = (SPSC_DATA_BYTE + index) >> 2;
      w[p + 1] = SPSC_PADDING_TYPE;
      Atomics.store(w, p, padding);
      this.tail = (this.tail + padding) | 0;
    }
    const at = SPSC_DATA_BYTE + (this.tail & this.mask);
    w[(at >> 2) + 1] = type;
    this.pendingAt = at;
    this.pendingLen = recordLen;
    this.pendingAligned = aligned;
    return at + SPSC_MSG_HEADER_BYTES;
  }

  private pendingAt = -1;
  private pendingLen = 0;
  private pendingAligned = 0;

  /** Publishes the claimed message. */
  commit(): void {
    const w = this.words;
    Atomics.store(w, this.pendingAt >> 2, this.pendingLen);
    this.tail = (this.tail + this.pendingAligned) | 0;
    Atomics.store(w, SPSC_TAIL_WORD, this.tail);
    this.pendingAt = -1;
    this.wait.signal(w, SPSC_TAIL_WORD, SPSC_PARKED_WORD);
  }

  /** Counts a message the producer had to drop (ring full); readable by the consumer. */
  countDropped(): void {
    Atomics.add(this.words, SPSC_DROPPED_WORD, 1);
  }
}

/** handler(type, payloadByteOffset, payloadBytes): offsets index the consumer's `bytes`/`words`. */
export type SpscHandler = (type: number, at: number, length: number) => void;

export class SpscConsumer extends SpscView {
  private head = 0;
  private idleRounds = 0;

  constructor(sab: SharedArrayBuffer, private readonly wait: WaitStrategy) {
    super(sab);
    this.head = Atomics.load(this.words, SPSC_HEAD_WORD);
  }

  get dropped(): number {
    return Atomics.load(this.words, SPSC_DROPPED_WORD);
  }

  /** Bytes committed but not yet consumed. */
  backlogBytes(): number {
    return (Atomics.load(this.words, SPSC_TAIL_WORD) - this.head) | 0;
  }

  /** True when the message at the head is committed (one load of the line the next message is in). */
  hasMessage(): boolean {
    return Atomics.load(this.words, (SPSC_DATA_BYTE + (this.head & this.mask)) >> 2) > 0;
  }

  /**
   * Delivers up to `limit` committed messages; returns how many. Polls the
   * length word at the head, not the producer's tail: the message's own
   * line is the only one that crosses cores (Agrona's OneToOneRingBuffer
   * reads the same way), where reading the tail first cost a second
   * cache-line transfer in front of every message.
   */
  read(handler: SpscHandler, limit = 0x7fffffff): number {
    const w = this.words;
    let head = this.head;
    let n = 0;
    const start = head;
    // At most one lap: consumed bytes are zeroed only after the loop, so on a
    // full ring the head would come round to the first message again.
    while (n < limit && ((head - start) | 0) < this.capacity) {
      const at = SPSC_DATA_BYTE + (head & this.mask);
      const len = Atomics.load(w, at >> 2);
      if (len <= 0) break;
      const type = w[(at >> 2) + 1];
      const aligned = type === SPSC_PADDING_TYPE ? len : (len + SPSC_ALIGN - 1) & ~(SPSC_ALIGN - 1);
      if (type !== SPSC_PADDING_TYPE) {
        handler(type, at + SPSC_MSG_HEADER_BYTES, len - SPSC_MSG_HEADER_BYTES);
        n++;
      }
      head = (head + aligned) | 0;
    }
    if (head !== start) {
      this.zero(start, head);
      this.head = head;
      Atomics.store(w, SPSC_HEAD_WORD, head);
      this.idleRounds = 0;
    }
    return n;
  }

  /** Called after an empty read: lets the wait strategy spin or park. */
  idle(): void {
    const w = this.words;
    this.wait.idle(this.idleRounds++, w, SPSC_TAIL_WORD, Atomics.load(w, SPSC_TAIL_WORD), SPSC_PARKED_WORD);
  }

  /** Zeroes consumed bytes so every length word reads 0 until re-committed. */
  private zero(from: number, to: number): void {
    const a = from & this.mask;
    const len = (to - from) | 0;
    if (a + len <= this.capacity) this.bytes.fill(0, SPSC_DATA_BYTE + a, SPSC_DATA_BYTE + a + len);
    else {
      this.bytes.fill(0, SPSC_DATA_BYTE + a, SPSC_DATA_BYTE + this.capacity);
      this.bytes.fill(0, SPSC_DATA_BYTE, SPSC_DATA_BYTE + len - (this.capacity - a));
    }
  }
}
