// Which market data reaches rf_on_market. By default a strategy gets every
// Quote and Trade of every instrument; one that trades a single instrument
// says so and the host stops calling it for the rest (it still matches the
// strategy's orders against them, fires its timers and delivers its fills).

import { ALL_INSTRUMENTS, HostStatus, MarketData } from "./abi";
import * as host from "./bindings";

/**
 * Sets the market data delivered for `instrument` (ALL_INSTRUMENTS: every
 * one) from the next market event on. Returns HostStatus.Ok, or
 * UnknownInstrument. `kinds` outside MarketData is a bad_host_call fault.
 */
export function subscribe(instrument: i32, kinds: MarketData): i32 {
  return host.subscribe(instrument, kinds);
}

/**
 * Takes `kinds` for `instrument` and nothing for any other instrument, from
 * the next market event on (two host calls). False when the host does not
 * know the instrument; the subscriptions are then left at nothing but it.
 */
export function subscribeOnly(instrument: u32, kinds: MarketData = MarketData.All): bool {
  host.subscribe(ALL_INSTRUMENTS, MarketData.None);
  return host.subscribe(<i32>instrument, kinds) == HostStatus.Ok;
}
