// Strategy parameters: the run's config blob maps UTF-8 keys to i64 values in
// the strategy's own units (ticks, lots, basis points, event counts). Keys
// are encoded into a static scratch buffer, so reading a parameter
// allocates nothing; read them once in rf_start and keep them in globals.

import { HostStatus, MAX_PARAM_KEY_BYTES, RECORD_ALIGN } from "./abi";
import * as host from "./bindings";
import { encodeUtf8, utf8Length } from "./utf8";

const KEY: usize = memory.data(MAX_PARAM_KEY_BYTES, 8);
const VALUE: usize = memory.data(8, RECORD_ALIGN);

/**
 * The i64 parameter `key`, or `fallback` when the run does not set it.
 * A key that is empty or longer than MAX_PARAM_KEY_BYTES (64) in UTF-8 aborts:
 * that is a bug in the strategy, not a configuration choice. No allocation.
 */
export function param(key: string, fallback: i64): i64 {
  const rc = readParam(key);
  return rc == HostStatus.Ok ? load<i64>(VALUE) : fallback;
}

/** True when the run sets `key`. No allocation. */
export function hasParam(key: string): bool {
  return readParam(key) == HostStatus.Ok;
}

/**
 * `param(key, fallback)` clamped to [min, max]: strategies should never trust a
 * config value to be sane (a zero window, a negative size). No allocation.
 */
export function paramInRange(key: string, fallback: i64, min: i64, max: i64): i64 {
  const v = param(key, fallback);
  return v < min ? min : v > max ? max : v;
}

function readParam(key: string): i32 {
  const len = utf8Length(key);
  if (len == 0 || len > MAX_PARAM_KEY_BYTES) abort("param key must be 1..64 UTF-8 bytes");
  encodeUtf8(key, KEY, MAX_PARAM_KEY_BYTES);
  return host.param(KEY, len, VALUE);
}
