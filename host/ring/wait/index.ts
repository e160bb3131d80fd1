import { BlockingWait } from "./blocking.ts";
import { BusySpinWait } from "./busySpin.ts";
import { SpinThenParkWait } from "./spinThenPark.ts";
import type { WaitStrategy } from "./waitStrategy.ts";

export type WaitMode = "spin" | "hybrid" | "block";
export const WAIT_MODES: readonly WaitMode[] = ["spin", "hybrid", "block"];

/** The CLI's --wait names → a strategy instance (one per consumer thread). */
export function waitStrategy(mode: WaitMode): WaitStrategy {
  switch (mode) {
    case "spin":
      return new BusySpinWait();
    case "hybrid":
      return new SpinThenParkWait();
    case "block":
      return new BlockingWait();
  }
}
