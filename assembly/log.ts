// Logging without allocation. Text is encoded straight into one static
// MAX_LOG_BYTES buffer and truncated there (never split mid-character) rather
// than handed to the host over the limit, which would be a bad_host_call fault.
// The host keeps MAX_LOG_LINES_PER_CALLBACK lines per callback and answers
// HostStatus.LogDropped beyond that: log sparingly on the tick path.
// A level outside LogLevel, which the host would also fault on, is clamped
// to Debug..Error: the line still reaches the log.
//
// Building a message with `+` and toString() allocates a string per call;
// use logLine() instead:
//   logLine().text("filled ").int(qty).text(" @ ").int(price).info();

import { LogLevel, MAX_LOG_BYTES } from "./abi";
import * as host from "./bindings";
import { encodeUtf8 } from "./utf8";

const LINE: usize = memory.data(MAX_LOG_BYTES, 8);
let lineLength: i32 = 0;

/** Logs `text` (UTF-8, truncated to MAX_LOG_BYTES) at `level` (clamped to Debug..Error). Returns 0 or LogDropped. No allocation. */
export function log(text: string, level: LogLevel = LogLevel.Info): i32 {
  lineLength = 0; // shares the buffer with logLine(): an unsent line is discarded
  const len = encodeUtf8(text, LINE, MAX_LOG_BYTES);
  return host.log(validLevel(level), LINE, len);
}

@inline function validLevel(level: LogLevel): LogLevel {
  return level < LogLevel.Debug ? LogLevel.Debug : level > LogLevel.Error ? LogLevel.Error : level;
}

@inline export function logDebug(text: string): i32 { return log(text, LogLevel.Debug); }
@inline export function logInfo(text: string): i32 { return log(text, LogLevel.Info); }
@inline export function logWarn(text: string): i32 { return log(text, LogLevel.Warn); }
@inline export function logError(text: string): i32 { return log(text, LogLevel.Error); }

/** A log line under construction in the static buffer; see logLine(). */
@final @unmanaged
export class LogLine {
  /** Appends text (dropped past MAX_LOG_BYTES). */
  text(s: string): LogLine {
    lineLength += encodeUtf8(s, LINE + <usize>lineLength, MAX_LOG_BYTES - lineLength);
    return this;
  }

  /** Appends a signed decimal integer. */
  int(v: i64): LogLine {
    // Up to 20 characters ("-9223372036854775808"); written backwards into a
    // small static scratch, then copied if it fits whole.
    let pos: i32 = 20;
    const negative = v < 0;
    // Work on the negative magnitude so i64.MIN_VALUE needs no special case.
    let n: i64 = negative ? v : -v;
    do {
      const digit = <i32>(-(n % 10));
      n = n / 10;
      --pos;
      store<u8>(DIGITS + <usize>pos, <u8>(0x30 + digit));
    } while (n != 0);
    if (negative) { --pos; store<u8>(DIGITS + <usize>pos, 0x2d); }
    const len = 20 - pos;
    if (lineLength + len <= MAX_LOG_BYTES) {
      memory.copy(LINE + <usize>lineLength, DIGITS + <usize>pos, len);
      lineLength += len;
    }
    return this;
  }

  /** Sends the line at `level` (clamped to Debug..Error) and resets the buffer. Returns 0 or LogDropped. */
  send(level: LogLevel): i32 {
    const len = lineLength;
    lineLength = 0;
    return host.log(validLevel(level), LINE, len);
  }

  @inline debug(): i32 { return this.send(LogLevel.Debug); }
  @inline info(): i32 { return this.send(LogLevel.Info); }
  @inline warn(): i32 { return this.send(LogLevel.Warn); }
  @inline error(): i32 { return this.send(LogLevel.Error); }
}

const DIGITS: usize = memory.data(24, 8);

/** Starts a new log line (discarding any unsent one). No allocation. */
export function logLine(): LogLine {
  lineLength = 0;
  return changetype<LogLine>(LINE);
}
