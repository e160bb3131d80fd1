/**
 * `ringfence bench admission`: what it costs to admit a module — the
 * admission check (verifyModule) plus the metering rewrite (instrumentModule)
 * — on a ~100 KB synthetic strategy (bench/kernels/syntheticStrategy.ts).
 *
 * msCold: the first verify + meter in this process (binaryen already loaded,
 * nothing of ours or binaryen's warmed up yet: what a fresh host pays for its
 * first module). msWarm: the median of the following rounds.
 */
import { verifyModule } from "../host/admission/verify.ts";
import { instrumentModule } from "../host/metering/instrument.ts";
import { syntheticStrategyBytes } from "./kernels/syntheticStrategy.ts";

export interface AdmissionBenchOptions {
  /** Timed warm rounds after the cold one. */
  readonly rounds: number;
}

export const DEFAULT_ADMISSION_BENCH: AdmissionBenchOptions = Object.freeze({ rounds: 15 });

export interface AdmissionBenchResult {
  moduleBytes: number;
  msWarm: number;
  msCold: number;
}

function admitAndMeter(bytes: Uint8Array): number {
  const verdict = verifyModule(bytes);
  if (!verdict.admitted) throw new Error(`synthetic module rejected: ${verdict.reasons.map((r) => r.code).join(", ")}`);
  return instrumentModule(bytes).length;
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function runAdmissionBench(options: AdmissionBenchOptions = DEFAULT_ADMISSION_BENCH): AdmissionBenchResult {
  const bytes = syntheticStrategyBytes();
  const msCold = timeMs(() => admitAndMeter(bytes));
  const warm: number[] = [];
  for (let i = 0; i < options.rounds; i++) warm.push(timeMs(() => admitAndMeter(bytes)));
  warm.sort((a, b) => a - b);
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return { moduleBytes: bytes.length, msWarm: round2(warm[warm.length >> 1]), msCold: round2(msCold) };
}

export function formatAdmissionBench(result: AdmissionBenchResult, command: string): string {
  return [
    `$ ${command}`,
    "",
    `module        ${result.moduleBytes} bytes (synthetic strategy, deterministic)`,
    `verify+meter  cold ${result.msCold.toFixed(1)} ms   warm ${result.msWarm.toFixed(1)} ms (median)   (goal: warm <= 100 ms)`,
  ].join("\n");
}
