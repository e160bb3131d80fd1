// Which market data reaches rf_on_market. By default a strategy gets every
// Quote and Trade of every instrument; one that trades a single instrument
// says so and the host stops calling it for the rest (it still matches the
// strategy's orders against them, fires its timers and delivers its fills).

import { ALL_INSTRUMENTS, HostStatus, MarketData } from "./abi";
import * as host from "./bindings";

/**
 * subscribe's answer when `kinds` is not a MarketData mask (0..3): nothing
 * was sent (the host would fault the strategy on it) and the subscriptions
 * are unchanged. The SDK's own code, apart from the host's HostStatus values.
 */
export const SUBSCRIBE_BAD_KINDS: i32 = -1;

/**
 * Sets the market data delivered for `instrument` (ALL_INSTRUMENTS: every
 * one) from the next market event on. Returns HostStatus.Ok,
 * UnknownInstrument, or SUBSCRIBE_BAD_KINDS (not sent) for `kinds` outside
 * MarketData.
 */
export function subscribe(instrument: i32, kinds: MarketData): i32 {
  if (!isMask(kinds)) return SUBSCRIBE_BAD_KINDS;
  return host.subscribe(instrument, kinds);
}

/**
 * Takes `kinds` for `instrument` and nothing for any other instrument, from
 * the next market event on (two host calls). False when the host does not
 * know the instrument; the subscriptions are then left at nothing but it.
 * False, with nothing sent and nothing changed, for `kinds` outside MarketData.
 */
export function subscribeOnly(instrument: u32, kinds: MarketData = MarketData.All): bool {
  if (!isMask(kinds)) return false;
  host.subscribe(ALL_INSTRUMENTS, MarketData.None);
  return host.subscribe(<i32>instrument, kinds) == HostStatus.Ok;
}

@inline function isMask(kinds: MarketData): bool {
  return <u32>kinds <= <u32>MarketData.All;
}
