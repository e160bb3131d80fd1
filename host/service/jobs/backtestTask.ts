/** What one backtest job carries to a pool worker and what it sends back. */
import type { DatasetSpec, JobStrategySummary } from "../store/records.ts";
import type { RiskLimits } from "../../risk/riskLimits.ts";

export interface BacktestTask {
  readonly jobId: string;
  readonly modules: readonly { readonly codeId: string; readonly name: string; readonly bytes: Uint8Array }[];
  readonly dataset: DatasetSpec;
  readonly params: readonly [string, number][];
  readonly risk: RiskLimits;
  /** Chart points per strategy in the report. */
  readonly seriesPoints: number;
}

export interface BacktestTaskResult {
  readonly events: number;
  readonly auditHash: string;
  readonly strategies: readonly JobStrategySummary[];
  /** BacktestReport as JSON text (with chart series). */
  readonly reportJson: string;
  /** The self-contained HTML report (host/report/htmlReport.ts). */
  readonly html: string;
}
