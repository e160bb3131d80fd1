/**
 * The byte layout of one audit entry: the only place it is written down.
 * The hash chain covers exactly these bytes, so the encoding must be
 * deterministic and bit-exact: every number is 9 bytes (a tag and eight
 * bytes), integers as int64, anything else as the IEEE-754 bits (so -0, NaN
 * and fractions survive instead of being normalised away). Little-endian.
 *
 *   0        8        17       26       35       44          48
 *   | seq    | event  | time   | strat  | result | callLen   | call UTF-8 ...
 *   | i64    | num    | num    | num    | num    | u32       |
 *
 *   ... | argCount u32 | argCount x num | detailLen u32 (0xFFFFFFFF = none) | detail UTF-8 |
 *
 *   num = tag u8 | 8 bytes      tag 0 absent (8 zero bytes), 1 int64, 2 float64
 *
 * `seq` is the entry's position in its chain (0, 1, 2, ...): it is inside
 * the hashed bytes, so a verifier can tell "entry removed or reordered"
 * from "entry changed".
 */
export interface AuditEntry {
  /** Index of the market event being handled (-1 before the first). */
  readonly eventIndex: number;
  /** Event time (ns); never wall-clock time. */
  readonly timeNs: number;
  /** Host call name, or a host action such as "fault", "quarantine". */
  readonly call: string;
  readonly args: readonly number[];
  readonly result: number;
  /** Free text (log line, fault message); absent and "" are different. */
  readonly detail?: string;
}

export const NumTag = { Absent: 0, Int64: 1, Float64: 2 } as const;

export const AuditEntryOffset = {
  seq: 0,
  eventIndex: 8,
  timeNs: 17,
  strategy: 26,
  result: 35,
  callLength: 44,
  call: 48,
} as const;

/** Bytes per encoded number. */
export const NUM_BYTES = 9;
/** The smallest possible entry: empty call, no args, no detail. */
export const MIN_ENTRY_BYTES = AuditEntryOffset.call + 4 + 4;
/** detailLen value meaning "no detail". */
export const NO_DETAIL = 0xffffffff;

const TWO_32 = 4294967296;

/** Bytes the entry will take; the caller sizes its buffer with it. Allocates nothing. */
export function encodedEntryBytes(e: AuditEntry): number {
  const detail = e.detail === undefined ? 0 : utf8Length(e.detail);
  return AuditEntryOffset.call + utf8Length(e.call) + 4 + NUM_BYTES * e.args.length + 4 + detail;
}

/** Longest string the ASCII paths below try before handing over to node:buffer. */
const ASCII_FAST_MAX = 64;

/** UTF-8 byte length; short ASCII strings (every call name) without a native call. */
function utf8Length(s: string): number {
  const n = s.length;
  if (n <= ASCII_FAST_MAX) {
    let i = 0;
    while (i < n && s.charCodeAt(i) < 0x80) i++;
    if (i === n) return n;
  }
  return Buffer.byteLength(s, "utf8");
}

/** Writes s as UTF-8 at `at` (room checked by the caller); returns the bytes written. */
function writeUtf8(buf: Buffer, s: string, at: number): number {
  const n = s.length;
  if (n <= ASCII_FAST_MAX) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + i] = c;
    }
    if (i === n) return n;
  }
  return buf.write(s, at, "utf8");
}

/** Writes one number (tag + 8 bytes) at `at`. */
export function writeNum(view: DataView, at: number, v: number): void {
  if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
    view.setUint8(at, NumTag.Int64);
    view.setUint32(at + 1, v >>> 0, true);
    view.setInt32(at + 5, Math.floor(v / TWO_32), true);
  } else {
    view.setUint8(at, NumTag.Float64);
    view.setFloat64(at + 1, v, true);
  }
}

function writeAbsent(view: DataView, at: number): void {
  view.setUint8(at, NumTag.Absent);
  view.setUint32(at + 1, 0, true);
  view.setUint32(at + 5, 0, true);
}

/**
 * Encodes `e` as entry number `seq` into `buf` (whose bytes `view` covers)
 * at `at`; buf must have encodedEntryBytes(e) bytes free. Returns the end
 * offset. Allocates nothing (Buffer.write encodes in place).
 */
export function encodeEntry(buf: Buffer, view: DataView, at: number, seq: number, e: AuditEntry, strategy: number | undefined): number {
  view.setUint32(at + AuditEntryOffset.seq, seq >>> 0, true);
  view.setUint32(at + AuditEntryOffset.seq + 4, Math.floor(seq / TWO_32), true);
  writeNum(view, at + AuditEntryOffset.eventIndex, e.eventIndex);
  writeNum(view, at + AuditEntryOffset.timeNs, e.timeNs);
  if (strategy === undefined) writeAbsent(view, at + AuditEntryOffset.strategy);
  else writeNum(view, at + AuditEntryOffset.strategy, strategy);
  writeNum(view, at + AuditEntryOffset.result, e.result);
  const callLen = writeUtf8(buf, e.call, at + AuditEntryOffset.call);
  view.setUint32(at + AuditEntryOffset.callLength, callLen, true);
  let p = at + AuditEntryOffset.call + callLen;
  const args = e.args;
  view.setUint32(p, args.length, true);
  p += 4;
  for (let k = 0; k < args.length; k++, p += NUM_BYTES) writeNum(view, p, args[k]);
  if (e.detail === undefined) {
    view.setUint32(p, NO_DETAIL, true);
    return p + 4;
  }
  const n = writeUtf8(buf, e.detail, p + 4);
  view.setUint32(p, n, true);
  return p + 4 + n;
}

/** A decoded entry (for tools and tests; allocates). */
export interface DecodedAuditEntry extends AuditEntry {
  readonly seq: number;
  readonly strategy?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes one entry occupying exactly `bytes`; returns a one-line reason
 * string when the bytes are not a well-formed entry.
 */
export function decodeEntry(bytes: Uint8Array): DecodedAuditEntry | string {
  if (bytes.length < MIN_ENTRY_BYTES) return `entry is ${bytes.length} bytes, shorter than the ${MIN_ENTRY_BYTES}-byte minimum`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const readNum = (at: number): number | undefined | string => {
    const tag = view.getUint8(at);
    if (tag === NumTag.Int64) {
      const v = view.getInt32(at + 5, true) * TWO_32 + view.getUint32(at + 1, true);
      return Number.isSafeInteger(v) ? v : `int64 at byte ${at} is outside ±2^53`;
    }
    if (tag === NumTag.Float64) {
      const f = view.getFloat64(at + 1, true);
      // One encoding per value: integers are always int64 (see writeNum).
      return Number.isSafeInteger(f) && !Object.is(f, -0) ? `float64 at byte ${at} holds an integer (must be int64)` : f;
    }
    if (tag === NumTag.Absent) return view.getUint32(at + 1, true) === 0 && view.getUint32(at + 5, true) === 0 ? undefined : `absent number at byte ${at} has non-zero payload`;
    return `unknown number tag ${tag} at byte ${at}`;
  };
  const seq = view.getInt32(4, true) * TWO_32 + view.getUint32(0, true);
  if (!Number.isSafeInteger(seq) || seq < 0) return "sequence number is not a non-negative integer";
  const eventIndex = readNum(AuditEntryOffset.eventIndex);
  const timeNs = readNum(AuditEntryOffset.timeNs);
  const strategy = readNum(AuditEntryOffset.strategy);
  const result = readNum(AuditEntryOffset.result);
  for (const v of [eventIndex, timeNs, strategy, result]) if (typeof v === "string") return v;
  if (eventIndex === undefined || timeNs === undefined || result === undefined) return "a required number is marked absent";
  const callLen = view.getUint32(AuditEntryOffset.callLength, true);
  let p = AuditEntryOffset.call;
  if (p + callLen + 8 > bytes.length) return `call name length ${callLen} runs past the entry`;
  let call: string;
  try {
    call = utf8.decode(bytes.subarray(p, p + callLen));
  } catch {
    return "call name is not valid UTF-8";
  }
  p += callLen;
  const argCount = view.getUint32(p, true);
  p += 4;
  if (argCount > (bytes.length - p - 4) / NUM_BYTES) return `argument count ${argCount} runs past the entry`;
  const args: number[] = [];
  for (let k = 0; k < argCount; k++, p += NUM_BYTES) {
    const v = readNum(p);
    if (typeof v !== "number") return typeof v === "string" ? v : `argument ${k} is marked absent`;
    args.push(v);
  }
  const detailLen = view.getUint32(p, true);
  p += 4;
  let detail: string | undefined;
  if (detailLen !== NO_DETAIL) {
    if (p + detailLen !== bytes.length) return `detail length ${detailLen} does not end at the entry's end`;
    try {
      detail = utf8.decode(bytes.subarray(p, p + detailLen));
    } catch {
      return "detail is not valid UTF-8";
    }
    p += detailLen;
  }
  if (p !== bytes.length) return `${bytes.length - p} stray bytes at the end of the entry`;
  const out: DecodedAuditEntry = { seq, eventIndex: eventIndex as number, timeNs: timeNs as number, call, args, result: result as number };
  if (strategy !== undefined) (out as { strategy?: number }).strategy = strategy as number;
  if (detail !== undefined) (out as { detail?: string }).detail = detail;
  return out;
}
