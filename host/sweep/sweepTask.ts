/** What one sweep task carries to a pool worker and what it sends back. */
import type { StrategyReport } from "../engine/strategyRunner.ts";
import type { RiskLimits } from "../risk/riskLimits.ts";
import type { SandboxLimits } from "../sandbox/limits.ts";

export interface SweepTask {
  readonly point: number;
  readonly dataPath: string;
  readonly label: string;
  readonly module: Uint8Array;
  readonly params: readonly [string, number][];
  readonly risk: RiskLimits;
  readonly sandbox: SandboxLimits;
  readonly seriesPoints: number;
}

export type SweepTaskResult =
  | { readonly point: number; readonly events: number; readonly report: StrategyReport }
  /** The recording failed its checks in the worker (it changed after the sweep checked it): the reader's one line. */
  | { readonly point: number; readonly recordingError: string };
