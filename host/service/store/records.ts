/**
 * What the service keeps, one interface per database of schema.ts. Wall
 * times (`…AtMs`) are for people reading the dashboard; they are kept on
 * records only and never enter an audit chain (no wall clock feeds the
 * audit log).
 */
import type { RiskLimits } from "../../risk/riskLimits.ts";

export type Role = "quant" | "risk" | "admin";
export const ROLES: readonly Role[] = Object.freeze(["quant", "risk", "admin"]);

export interface KeyRecord {
  readonly keyId: string;
  readonly tenant: string;
  readonly role: Role;
  /** sha256 of the key's secret part; the secret itself is never stored. */
  readonly secretSha256: Uint8Array;
  readonly createdAtMs: number;
  readonly revoked: boolean;
}

export interface StrategyRecord {
  readonly tenant: string;
  readonly codeId: string;
  readonly name: string;
  /** How it arrived: module bytes, or AssemblyScript compiled by the service. */
  readonly source: "wasm" | "assemblyscript";
  readonly sizeBytes: number;
  /** Admission notes (e.g. "memory maximum imposed: 256 pages"). */
  readonly notes: readonly string[];
  readonly uploadedBy: string;
  readonly uploadedAtMs: number;
}

/** A deterministic synthetic market (host/feed/synthetic.ts): equal specs give equal events. */
export interface DatasetSpec {
  readonly kind: "synthetic";
  readonly seed: number;
  readonly events: number;
  readonly instruments: number;
}

export type JobStatus = "queued" | "running" | "done" | "failed";

export interface JobStrategySummary {
  readonly codeId: string;
  readonly name: string;
  readonly orders: number;
  readonly fills: number;
  readonly position: number;
  readonly pnl: number;
  readonly pnlDecimals: number;
  readonly faults: number;
  readonly auditHash: string;
}

export interface JobRecord {
  readonly id: string;
  readonly tenant: string;
  readonly createdBy: string;
  readonly codeIds: readonly string[];
  readonly dataset: DatasetSpec;
  readonly params: Readonly<Record<string, number>>;
  readonly risk: RiskLimits;
  readonly status: JobStatus;
  readonly createdAtMs: number;
  readonly finishedAtMs?: number;
  readonly error?: { readonly code: string; readonly message: string };
  /** Filled in when done: the run's audit hash and per-strategy results. */
  readonly summary?: { readonly events: number; readonly auditHash: string; readonly strategies: readonly JobStrategySummary[] };
}

export interface ReportRecord {
  /** The backtest report (host/backtest/backtest.ts BacktestReport) as JSON text. */
  readonly json: string;
  /** renderHtmlReport of it: a self-contained page with the charts. */
  readonly html: string;
}

/** A paper-trading feed: the synthetic market, published at a modest, steady rate. */
export interface FeedSpec {
  readonly kind: "synthetic";
  readonly seed: number;
  readonly instruments: number;
  readonly ratePerSec: number;
}

export type DeploymentStatus = "running" | "halted" | "failed" | "interrupted";

export interface DeploymentFinal {
  readonly events: number;
  readonly orders: number;
  readonly fills: number;
  readonly cancels: number;
  readonly position: number;
  readonly pnl: number;
  readonly pnlDecimals: number;
  readonly fault: string | null;
  /** Head of the strategy's own audit chain in its worker (every host call). */
  readonly strategyAuditHash: string;
  /** Working orders the host knew of when the halt was asked for, and after the worker stopped (0: all cancelled). */
  readonly workingAtHalt: number;
  readonly workingAfter: number;
}

export interface DeploymentRecord {
  readonly id: string;
  readonly tenant: string;
  readonly codeId: string;
  readonly name: string;
  readonly createdBy: string;
  readonly params: Readonly<Record<string, number>>;
  readonly limits: RiskLimits;
  readonly feed: FeedSpec;
  readonly status: DeploymentStatus;
  readonly createdAtMs: number;
  readonly endedAtMs?: number;
  /** Who or what stopped it: a key id, "kill:tenant", "kill:global", "fault", "restart". */
  readonly endedBy?: string;
  readonly final?: DeploymentFinal;
}

export interface KillSwitchRecord {
  readonly scope: string;
  readonly engagedBy: string;
  readonly engagedAtMs: number;
}
