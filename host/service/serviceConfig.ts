/**
 * The service's limits and sizes, with their defaults, checked once where
 * the service is built (serviceConfig()). Every number a client can run
 * into — body sizes, rates, queue lengths, deadlines — is here.
 */
import { DEFAULT_ADMISSION_LIMITS } from "../admission/limits.ts";
import { MAX_SOURCE_BYTES } from "../compiler/sourceReader.ts";
import { DEFAULT_COMPILE_LIMITS, type CompileLimits } from "./compile/compileRunner.ts";
import type { RateLimit } from "./auth/rateLimiter.ts";

export interface ServiceConfig {
  /** Largest request body of application/wasm: the admission module size limit. */
  readonly maxWasmBytes: number;
  /** Largest uploaded AssemblyScript source (UTF-8 bytes): what the compiler reads at most. */
  readonly maxSourceBytes: number;
  /** Largest JSON body of every other request. */
  readonly maxJsonBytes: number;
  /** Every request of one key (reads included). */
  readonly rate: RateLimit;
  /** Uploads, backtests and deployments of one key (each also takes a `rate` token). */
  readonly costlyRate: RateLimit;
  /** Requests without a valid key, per client address (slows key guessing). */
  readonly anonymousRate: RateLimit;
  readonly compile: CompileLimits;
  /** Admission/metering pool: threads, queue, deadline per module. */
  readonly admissionThreads: number;
  readonly admissionMaxQueued: number;
  readonly admissionTimeoutMs: number;
  /** Backtest pool: jobs running at once, jobs waiting, deadline per job, chart points per strategy. */
  readonly backtestThreads: number;
  readonly backtestMaxPending: number;
  readonly backtestTimeoutMs: number;
  readonly backtestSeriesPoints: number;
  /** Strategies in one backtest. */
  readonly maxStrategiesPerBacktest: number;
  /** Deployments running at once. */
  readonly maxDeployments: number;
  /** Audit entries returned per page. */
  readonly maxAuditPage: number;
}

export const DEFAULT_SERVICE_CONFIG: ServiceConfig = Object.freeze({
  maxWasmBytes: DEFAULT_ADMISSION_LIMITS.maxModuleBytes,
  maxSourceBytes: MAX_SOURCE_BYTES,
  maxJsonBytes: 64 * 1024,
  rate: Object.freeze({ perSecond: 50, burst: 100 }),
  costlyRate: Object.freeze({ perSecond: 10, burst: 60 }),
  anonymousRate: Object.freeze({ perSecond: 5, burst: 20 }),
  compile: DEFAULT_COMPILE_LIMITS,
  admissionThreads: 1,
  admissionMaxQueued: 32,
  admissionTimeoutMs: 30_000,
  backtestThreads: 1,
  backtestMaxPending: 32,
  backtestTimeoutMs: 300_000,
  backtestSeriesPoints: 500,
  maxStrategiesPerBacktest: 8,
  maxDeployments: 8,
  maxAuditPage: 1000,
});

export function serviceConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  const c = { ...DEFAULT_SERVICE_CONFIG, ...overrides };
  const positive: (keyof ServiceConfig)[] = [
    "maxWasmBytes", "maxSourceBytes", "maxJsonBytes", "admissionThreads", "admissionMaxQueued", "admissionTimeoutMs",
    "backtestThreads", "backtestMaxPending", "backtestTimeoutMs", "backtestSeriesPoints", "maxStrategiesPerBacktest", "maxDeployments", "maxAuditPage",
  ];
  for (const k of positive) {
    const v = c[k] as number;
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`serviceConfig: ${k} must be a positive integer, got ${String(v)}`);
  }
  for (const k of ["rate", "costlyRate", "anonymousRate"] as const) {
    if (!(c[k].perSecond > 0) || !(c[k].burst >= 1)) throw new RangeError(`serviceConfig: ${k} needs perSecond > 0 and burst >= 1`);
  }
  return Object.freeze(c);
}
