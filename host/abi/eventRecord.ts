/**
 * The event record: one fixed 64-byte layout for every event a strategy sees.
 * The same bytes travel in recordings, in the broadcast ring, and in the
 * guest's event buffer (host copies them; guests never see shared memory).
 * All fields little-endian; i64 fields are read and written as two u32
 * halves so the host never allocates a BigInt on the tick path.
 *
 *   0               4               8                              16
 *   +---------------+---------------+-------------------------------+
 *   | kind     u32  | instrument u32| seq                       i64 |
 *   +---------------+---------------+-------------------------------+
 *   | timeNs                    i64 | price                     i64 |  16..32
 *   +-------------------------------+-------------------------------+
 *   | qty                       i64 | price2                    i64 |  32..48
 *   +-------------------------------+-------------------------------+
 *   | qty2                      i64 | ref   u32     | flags   u32   |  48..64
 *   +-------------------------------+---------------+---------------+
 *
 * Field meaning per kind:
 *   kind         price          qty          price2        qty2            ref          flags
 *   Quote        bid ticks      bid lots     ask ticks     ask lots        0            0
 *   Trade        trade ticks    trade lots   0             0               0            aggressor Side (0 unknown)
 *   Fill         fill ticks     fill lots    0             leaves lots     order id     Side
 *   OrderUpdate  limit ticks    leaves lots  0             cum filled lots order id     OrderStatus | reason << 8
 *   Timer        0              0            0             0               timer id     tag
 *
 * `seq` is the feed sequence number for Quote/Trade and the sequence of the
 * market event that caused the Fill/OrderUpdate/Timer otherwise.
 * `timeNs` is event time (nanoseconds since the Unix epoch), the only clock a
 * strategy ever has.
 */
export const EVENT_RECORD_BYTES = 64;
export const EVENT_RECORD_ALIGN = 8;

export const EventOffset = {
  kind: 0,
  instrument: 4,
  seq: 8,
  timeNs: 16,
  price: 24,
  qty: 32,
  price2: 40,
  qty2: 48,
  ref: 56,
  flags: 60,
} as const;

/** Offsets in 32-bit words, for Int32Array/Uint32Array access. */
export const EventWord = {
  kind: EventOffset.kind >> 2,
  instrument: EventOffset.instrument >> 2,
  seqLo: EventOffset.seq >> 2,
  seqHi: (EventOffset.seq >> 2) + 1,
  timeLo: EventOffset.timeNs >> 2,
  timeHi: (EventOffset.timeNs >> 2) + 1,
  priceLo: EventOffset.price >> 2,
  priceHi: (EventOffset.price >> 2) + 1,
  qtyLo: EventOffset.qty >> 2,
  qtyHi: (EventOffset.qty >> 2) + 1,
  price2Lo: EventOffset.price2 >> 2,
  price2Hi: (EventOffset.price2 >> 2) + 1,
  qty2Lo: EventOffset.qty2 >> 2,
  qty2Hi: (EventOffset.qty2 >> 2) + 1,
  ref: EventOffset.ref >> 2,
  flags: EventOffset.flags >> 2,
} as const;

export const EVENT_RECORD_WORDS = EVENT_RECORD_BYTES >> 2;
