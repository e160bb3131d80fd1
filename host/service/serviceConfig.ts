/**
 * The service's limits and sizes, with their defaults, checked once where
 * the service is built (serviceConfig()). Every number a client can run
 * into — body sizes, rates, queue lengths, deadlines — is here.
 */
import { DEFAULT_ADMISSION_LIMITS } from "../admission/limits.ts";
import { MAX_COMPILE_TIMEOUT_MS } from "../compiler/compileWorker.ts";
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

/** What a caller may set: any field, and any of the compile limits (the rest keep their defaults). */
export type ServiceConfigOverrides = Partial<Omit<ServiceConfig, "compile">> & { readonly compile?: Partial<CompileLimits> };

/**
 * The defaults with `overrides`, checked: a bad value is a RangeError naming
 * the field (`compile.maxCompilerMemoryMb`), thrown before the service opens
 * anything, rather than a limit that fails every request that reaches it.
 */
export function serviceConfig(overrides: ServiceConfigOverrides = {}): ServiceConfig {
  const compile: CompileLimits = Object.freeze({ ...DEFAULT_SERVICE_CONFIG.compile, ...overrides.compile });
  const c = { ...DEFAULT_SERVICE_CONFIG, ...overrides, compile };
  const positive: (keyof ServiceConfig)[] = [
    "maxWasmBytes", "maxSourceBytes", "maxJsonBytes", "admissionThreads", "admissionMaxQueued", "admissionTimeoutMs",
    "backtestThreads", "backtestMaxPending", "backtestTimeoutMs", "backtestSeriesPoints", "maxStrategiesPerBacktest", "maxDeployments", "maxAuditPage",
  ];
  for (const k of positive) {
    const v = c[k] as number;
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`serviceConfig: ${k} must be a positive integer, got ${String(v)}`);
  }
  // Deadlines are Node timers: past 2^31 - 1 ms one fires at once and would stop every job as it starts.
  for (const k of ["admissionTimeoutMs", "backtestTimeoutMs"] as const) {
    if (c[k] > MAX_COMPILE_TIMEOUT_MS) throw new RangeError(`serviceConfig: ${k} must be at most ${MAX_COMPILE_TIMEOUT_MS} (a Node timer's limit), got ${c[k]}`);
  }
  checkCompileLimits(compile);
  for (const k of ["rate", "costlyRate", "anonymousRate"] as const) {
    if (!(c[k].perSecond > 0) || !(c[k].burst >= 1)) throw new RangeError(`serviceConfig: ${k} needs perSecond > 0 and burst >= 1`);
  }
  return Object.freeze(c);
}

function checkCompileLimits(limits: CompileLimits): void {
  const check = (k: keyof CompileLimits, min: number, max?: number): void => {
    const v = limits[k];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || (max !== undefined && v > max)) {
      const range = max !== undefined ? `in ${min}..${max}` : min === 1 ? "a positive integer" : `an integer >= ${min}`;
      throw new RangeError(`serviceConfig: compile.${k} must be ${max !== undefined ? "an integer " : ""}${range}, got ${String(v)}`);
    }
  };
  // A Node timer past 2^31 - 1 ms fires at once: a longer deadline would stop every compile as it starts.
  check("timeoutMs", 1, MAX_COMPILE_TIMEOUT_MS);
  check("maxHeapMb", 1);
  // Absent is the compiler's default; present, anything but a positive integer would fail every upload.
  if (limits.maxCompilerMemoryMb !== undefined) check("maxCompilerMemoryMb", 1);
  check("concurrency", 1);
  // 0: no waiting line; a compile that finds every slot taken is refused at once.
  check("maxQueued", 0);
  check("maxPerTenant", 1);
}
