/**
 * `ringfence bench fuel`: what metering costs. Each kernel (bench/kernels)
 * is compiled plain and metered in the same process, each a few times (so
 * no single compilation's code placement decides the result). All instances
 * are warmed up, then timed in interleaved rounds (the order alternates) and
 * compared by median CPU time per call over all samples. The metered call includes what the sandbox does per
 * callback: arming the fuel budget (__rf_arm).
 *
 * Both variants are compiled straight to TurboFan (`--no-liftoff`, set for
 * this process before any kernel is compiled): with V8's default dynamic
 * tiering the switch from Liftoff happens in a background thread, and on a
 * loaded machine it sometimes had not happened for one variant by the time
 * it was timed (2-3x "ratios" that measured the tiers, not the metering).
 * Long-running strategies run TurboFan code; that is what is compared.
 */
import { setFlagsFromString } from "node:v8";
import { instrumentModule } from "../host/metering/instrument.ts";
import { FUEL_KERNELS, type FuelKernel } from "./kernels/index.ts";
import { watToWasm } from "./kernels/wat.ts";

export interface FuelBenchOptions {
  /** Timed rounds per kernel; each round times both variants once. */
  readonly rounds: number;
  /** Untimed calls of each variant before timing (tier-up to TurboFan). */
  readonly warmupCalls: number;
  /** Calls per timed sample. */
  readonly callsPerSample: number;
  /** Separate compilations of each variant (see above). */
  readonly instances: number;
}

export const DEFAULT_FUEL_BENCH: FuelBenchOptions = Object.freeze({ rounds: 15, warmupCalls: 20, callsPerSample: 3, instances: 3 });

export interface KernelResult {
  name: string;
  /** meteredNs / plainNs. */
  ratio: number;
  /** Median CPU time of one metered run(n) call, ns. */
  meteredNs: number;
  /** Median CPU time of one plain run(n) call, ns. */
  plainNs: number;
}

export interface FuelBenchResult {
  kernels: KernelResult[];
  worstRatio: number;
  geomeanRatio: number;
}

/** Largest fuel budget: every metered call starts with it. */
const FULL_FUEL = 0x7fffffff;

type RunFn = () => number;

interface KernelExports {
  run(n: number): number;
  setup?: () => void;
  __rf_arm?: (fuel: number) => void;
}

function instantiate(bytes: Uint8Array): KernelExports {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {});
  return instance.exports as unknown as KernelExports;
}

function prepareVariants(kernel: FuelKernel, instances: number): { plain: RunFn[]; metered: RunFn[] } {
  const plainBytes = watToWasm(kernel.wat);
  const meteredBytes = instrumentModule(plainBytes);
  const n = kernel.n;
  const expected = kernel.reference(n);
  const plain: RunFn[] = [];
  const metered: RunFn[] = [];
  for (let i = 0; i < instances; i++) {
    const p = instantiate(plainBytes);
    const m = instantiate(meteredBytes);
    const arm = m.__rf_arm!;
    p.setup?.();
    if (m.setup) {
      arm(FULL_FUEL);
      m.setup();
    }
    const plainRun: RunFn = () => p.run(n);
    const meteredRun: RunFn = () => {
      arm(FULL_FUEL);
      return m.run(n);
    };
    const got = [plainRun(), meteredRun()];
    if (got[0] !== expected || got[1] !== expected) {
      throw new Error(`kernel ${kernel.name}: run(${n}) gave plain=${got[0]} metered=${got[1]}, expected ${expected}`);
    }
    plain.push(plainRun);
    metered.push(meteredRun);
  }
  return { plain, metered };
}

/**
 * CPU time of this process per call, not wall time: the benchmark VM runs
 * other jobs, and a sample during which this process was descheduled would
 * otherwise count the other job's time (ratios of 1.1-1.5x between two
 * identical variants were seen under load with wall time).
 */
function timePerCallNs(fn: RunFn, calls: number): number {
  const start = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < calls; i++) sink ^= fn();
  const used = process.cpuUsage(start);
  // Keep the result alive so the call cannot be optimized away.
  if (sink === 0x5eed5eed) process.stdout.write("");
  return ((used.user + used.system) * 1000) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function benchKernel(kernel: FuelKernel, options: FuelBenchOptions): KernelResult {
  const { plain, metered } = prepareVariants(kernel, options.instances);
  for (let i = 0; i < options.warmupCalls; i++) {
    for (const fn of plain) fn();
    for (const fn of metered) fn();
  }
  const plainSamples: number[] = [];
  const meteredSamples: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < plain.length; k++) {
      if ((round + k) % 2 === 0) {
        plainSamples.push(timePerCallNs(plain[k], options.callsPerSample));
        meteredSamples.push(timePerCallNs(metered[k], options.callsPerSample));
      } else {
        meteredSamples.push(timePerCallNs(metered[k], options.callsPerSample));
        plainSamples.push(timePerCallNs(plain[k], options.callsPerSample));
      }
    }
  }
  const plainNs = median(plainSamples);
  const meteredNs = median(meteredSamples);
  return { name: kernel.name, ratio: meteredNs / plainNs, meteredNs: Math.round(meteredNs), plainNs: Math.round(plainNs) };
}

export function runFuelBench(options: FuelBenchOptions = DEFAULT_FUEL_BENCH, kernels: readonly FuelKernel[] = FUEL_KERNELS): FuelBenchResult {
  setFlagsFromString("--no-liftoff");
  const results = kernels.map((k) => benchKernel(k, options));
  const ratios = results.map((r) => r.ratio);
  const round3 = (x: number) => Math.round(x * 1000) / 1000;
  for (const r of results) r.ratio = round3(r.ratio);
  return {
    kernels: results,
    worstRatio: round3(Math.max(...ratios)),
    geomeanRatio: round3(Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length)),
  };
}

/** Human-readable report (the CLI prints this without --json). */
export function formatFuelBench(result: FuelBenchResult, command: string): string {
  const lines = [`$ ${command}`, "", `${"kernel".padEnd(16)} ${"plain".padStart(12)} ${"metered".padStart(12)} ${"ratio".padStart(7)}`];
  for (const k of result.kernels) {
    lines.push(`${k.name.padEnd(16)} ${(k.plainNs / 1e3).toFixed(1).padStart(9)} µs ${(k.meteredNs / 1e3).toFixed(1).padStart(9)} µs ${k.ratio.toFixed(3).padStart(6)}x`);
  }
  lines.push("", `worst ${result.worstRatio.toFixed(3)}x   geomean ${result.geomeanRatio.toFixed(3)}x   (goals: worst <= 1.15x, geomean <= 1.05x)`);
  return lines.join("\n");
}
