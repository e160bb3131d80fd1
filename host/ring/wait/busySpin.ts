import type { WaitStrategy } from "./waitStrategy.ts";

/**
 * Busy-spin (poll mode, like a DPDK poll-mode driver): lowest latency, burns a
 * whole core per consumer even when the market is quiet.
 */
export class BusySpinWait implements WaitStrategy {
  readonly name = "spin";
  idle(): void {}
  signal(): void {}
}
