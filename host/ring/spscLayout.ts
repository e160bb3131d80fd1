/**
 * One-to-one (single-producer, single-consumer) ring of variable-length
 * messages, Agrona OneToOneRingBuffer style: worker → host (orders, cancels,
 * fills, logs, faults, heartbeats). The single descriptor of these bytes.
 *
 *   line 0 (bytes   0..63) | head u32 (consumer byte position)     consumer writes
 *   line 1 (bytes  64..127)| tail u32 (producer byte position)     producer writes
 *   line 2 (bytes 128..191)| capacity u32 | parked u32 | dropped u32 | ...
 *   data: capacity bytes (power of two), starting at byte 192
 *
 *   message (8-byte aligned):
 *   +-------------+-------------+------------------------------+---------+
 *   | length u32  | type u32    | payload (length - 8 bytes)   | padding |
 *   +-------------+-------------+------------------------------+---------+
 *   length is written LAST (Atomics.store): 0 means "not committed yet".
 *   A PADDING message fills the space up to the end of the buffer when a
 *   message would not fit contiguously. The consumer zeroes what it consumed,
 *   so every length word reads 0 until its message is committed.
 *
 * Positions are u32 byte counters that wrap; comparisons use `(a - b) | 0`.
 */
export const SPSC_HEAD_WORD = 0;
export const SPSC_TAIL_WORD = 16;
export const SPSC_CAPACITY_WORD = 32;
export const SPSC_PARKED_WORD = 33;
export const SPSC_DROPPED_WORD = 34;
export const SPSC_DATA_BYTE = 192;
export const SPSC_MSG_HEADER_BYTES = 8;
export const SPSC_ALIGN = 8;
export const SPSC_PADDING_TYPE = 0x7fffffff;

export const SPSC_MIN_CAPACITY = 1024;
export const SPSC_MAX_CAPACITY = 1 << 28;

export function spscRingBytes(capacity: number): number {
  checkSpscCapacity(capacity);
  return SPSC_DATA_BYTE + capacity;
}

export function checkSpscCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < SPSC_MIN_CAPACITY || capacity > SPSC_MAX_CAPACITY || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`spsc ring: capacity=${capacity} must be a power of two in ${SPSC_MIN_CAPACITY}..${SPSC_MAX_CAPACITY}`);
  }
}

/** Largest message payload: an eighth of the ring, so one message can never starve the rest. */
export function maxPayloadBytes(capacity: number): number {
  return (capacity >> 3) - SPSC_MSG_HEADER_BYTES;
}
