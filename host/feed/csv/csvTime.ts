/**
 * CSV timestamps → event time (i64 nanoseconds since the Unix epoch).
 *
 * Two shapes: ISO-8601 ("2026-01-05T14:30:00.123456789Z", a space instead
 * of the T, an offset such as +01:00 or none at all, read as UTC) and epoch
 * numbers in seconds, milliseconds, microseconds or nanoseconds, with an
 * optional fraction ("1767623400.25"). Real times are about 1.8e18 ns, above
 * 2^53, so values are BigInt here and are written to records as (lo, hi)
 * words; nothing goes through a float. Allocates; import is not a hot path.
 */
import { timeNsToIso } from "../timeNs.ts";

export type TimeUnit = "s" | "ms" | "us" | "ns";
export const TIME_UNITS: readonly TimeUnit[] = ["s", "ms", "us", "ns"];
export const TIME_UNIT_NAMES: Readonly<Record<TimeUnit, string>> = {
  s: "seconds",
  ms: "milliseconds",
  us: "microseconds",
  ns: "nanoseconds",
};
const NS_PER_UNIT: Readonly<Record<TimeUnit, bigint>> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };
const FRACTION_DIGITS: Readonly<Record<TimeUnit, number>> = { s: 9, ms: 6, us: 3, ns: 0 };

/** The largest event time: i64 max, 2262-04-11T23:47:16.854775807Z. */
export const MAX_TIME_NS = (1n << 63n) - 1n;

const EPOCH_RE = /^(\d+)(?:\.(\d+))?$/;
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** True when `text` is shaped like an epoch number (digits, optional fraction, optional sign). */
export function isEpochText(text: string): boolean {
  return /^[+-]?\d+(?:\.\d+)?$/.test(text);
}

/**
 * The epoch unit `text`'s magnitude suggests, for times after 1970-04 and
 * before 2286: up to 10 integer digits are seconds, 11–13 milliseconds,
 * 14–16 microseconds, 17–19 nanoseconds.
 */
export function unitByMagnitude(text: string): TimeUnit | string {
  const m = EPOCH_RE.exec(text);
  if (m === null) return /^-\d/.test(text) ? `'${text}' is negative (times before 1970 are not supported)` : `'${text}' is not an epoch number`;
  const digits = m[1].replace(/^0+/, "").length;
  if (digits <= 10) return "s";
  if (digits <= 13) return "ms";
  if (digits <= 16) return "us";
  if (digits <= 19) return "ns";
  return `'${text}' has ${digits} digits, too many for epoch nanoseconds`;
}

/** Epoch number in `unit` → ns, or a problem string. */
export function parseEpochNs(text: string, unit: TimeUnit): bigint | string {
  const m = EPOCH_RE.exec(text);
  if (m === null) {
    if (/^-\d/.test(text)) return `'${text}' is negative (times before 1970 are not supported)`;
    return `'${text}' is not an epoch number or an ISO-8601 time`;
  }
  const frac = (m[2] ?? "").replace(/0+$/, "");
  if (frac.length > FRACTION_DIGITS[unit]) return `'${text}' is finer than 1 ns (epoch ${TIME_UNIT_NAMES[unit]})`;
  const ns = BigInt(m[1]) * NS_PER_UNIT[unit] + (frac === "" ? 0n : BigInt(frac.padEnd(FRACTION_DIGITS[unit], "0")));
  return ns > MAX_TIME_NS ? `'${text}' (epoch ${TIME_UNIT_NAMES[unit]}) is after 2262-04-11 (beyond i64 nanoseconds)` : ns;
}

export interface IsoTime {
  readonly ns: bigint;
  /** False when the text had no zone (read as UTC). */
  readonly zoned: boolean;
}

/** ISO-8601 date-time → ns, or a problem string. */
export function parseIsoNs(text: string): IsoTime | string {
  const m = ISO_RE.exec(text);
  if (m === null) return `'${text}' is not an ISO-8601 time (like 2026-01-05T14:30:00.123Z) or an epoch number`;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (month < 1 || month > 12) return `'${text}' has month ${m[2]}`;
  if (day < 1 || day > daysInMonth(year, month)) return `'${text}' has day ${m[3]}, not in ${m[1]}-${m[2]}`;
  if (hour > 23 || minute > 59) return `'${text}' has time ${m[4]}:${m[5]}`;
  if (second === 60) return `'${text}' is a leap second, which event time cannot represent`;
  if (second > 59) return `'${text}' has second ${m[6]}`;
  const frac = (m[7] ?? "").replace(/0+$/, "");
  if (frac.length > 9) return `'${text}' is finer than 1 ns`;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return `'${text}' has zone offset ${m[9]}${m[10]}${m[11] === undefined ? "" : `:${m[11]}`}`;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  const ns = BigInt(seconds) * 1_000_000_000n + (frac === "" ? 0n : BigInt(frac.padEnd(9, "0")));
  if (ns < 0n) return `'${text}' is before 1970-01-01T00:00:00Z`;
  if (ns > MAX_TIME_NS) return `'${text}' is after 2262-04-11 (beyond i64 nanoseconds)`;
  return { ns, zoned: m[8] !== undefined || m[9] !== undefined };
}

/** Writes `ns` (0..MAX_TIME_NS) as the (lo, hi) words of an i64 at words[w], words[w + 1]. */
export function writeTimeNs(words: Int32Array, w: number, ns: bigint): void {
  words[w] = Number(ns & 0xffffffffn);
  words[w + 1] = Number(ns >> 32n);
}

/** ISO-8601 with nanoseconds, for messages. */
export function formatTimeNs(ns: bigint): string {
  return timeNsToIso(Number(ns & 0xffffffffn), Number(ns >> 32n));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), in integers. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
