/**
 * `ringfence bench admission`: what it costs to admit a module — the
 * admission check (verifyModule) plus the metering rewrite (instrumentModule)
 * — on a ~100 KB synthetic strategy (bench/kernels/syntheticStrategy.ts).
 *
 * msCold: the first verify + meter in this process (binaryen already loaded,
 * nothing of ours or binaryen's warmed up yet: what a fresh host pays for its
 * first module). msWarm: the median wall time of the following rounds;
 * cpuMsWarm: their median CPU time, all threads of the process (the
 * benchmark VM runs other jobs, which inflate wall time but not this
 * process's CPU time; GC and compiler threads make it exceed wall time on an
 * idle machine).
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
  /** Wall time, median of the warm rounds. */
  msWarm: number;
  /** Wall time of the first round. */
  msCold: number;
  /** CPU time of the whole process (GC and compiler threads too), median of the warm rounds: not inflated by other jobs. */
  cpuMsWarm: number;
}

function admitAndMeter(bytes: Uint8Array): number {
  const verdict = verifyModule(bytes);
  if (!verdict.admitted) throw new Error(`synthetic module rejected: ${verdict.reasons.map((r) => r.code).join(", ")}`);
  return instrumentModule(bytes).length;
}

/** [wall ms, CPU ms of this process] of one call. */
function timeMs(fn: () => void): [number, number] {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1000];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

export function runAdmissionBench(options: AdmissionBenchOptions = DEFAULT_ADMISSION_BENCH): AdmissionBenchResult {
  const bytes = syntheticStrategyBytes();
  const [msCold] = timeMs(() => admitAndMeter(bytes));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < options.rounds; i++) {
    const [w, c] = timeMs(() => admitAndMeter(bytes));
    wall.push(w);
    cpu.push(c);
  }
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return { moduleBytes: bytes.length, msWarm: round2(median(wall)), msCold: round2(msCold), cpuMsWarm: round2(median(cpu)) };
}

export function formatAdmissionBench(result: AdmissionBenchResult, command: string): string {
  return [
    `$ ${command}`,
    "",
    `module        ${result.moduleBytes} bytes (synthetic strategy, deterministic)`,
    `verify+meter  cold ${result.msCold.toFixed(1)} ms   warm ${result.msWarm.toFixed(1)} ms (median)   (goal: warm <= 100 ms)`,
    `              warm CPU time ${result.cpuMsWarm.toFixed(1)} ms (median, all threads; not inflated by other jobs on the machine)`,
  ].join("\n");
}
