/**
 * Runs metered modules the way the sandbox does (set __rf_fuel, reset
 * __rf_depth / __rf_fault, call an export, catch the trap, read the meter
 * globals back) — on this thread, or in a worker_threads Worker with the
 * very same runner source, so main-thread and worker outcomes are compared
 * like for like. Test code only: allocates freely.
 */
import { Worker } from "node:worker_threads";

export type WasmExports = WebAssembly.Exports;
export type WasmMemory = WebAssembly.Memory;

export function instantiate(bytes: Uint8Array, imports: WebAssembly.Imports = {}): WasmExports {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), imports).exports;
}

export function global(exports: WasmExports, name: string): WebAssembly.Global {
  const g = exports[name];
  if (!(g instanceof WebAssembly.Global)) throw new Error(`export ${name} is not a global`);
  return g;
}

export function fn(exports: WasmExports, name: string): (...args: number[]) => number {
  const f = exports[name];
  if (typeof f !== "function") throw new Error(`export ${name} is not a function`);
  return f as (...args: number[]) => number;
}

/** One call of a scenario: export name, i32/f64 arguments, fuel budget. */
export interface ScenarioCall {
  readonly name: string;
  readonly args: readonly number[];
  readonly fuel: number;
}

export interface CallOutcome {
  /** "ok", "trap" (WebAssembly.RuntimeError), or "range_error" (V8's own stack overflow). */
  outcome: "ok" | "trap" | "range_error";
  result: number | null;
  fuelLeft: number;
  fault: number;
  depth: number;
  growDenied: number;
  /** Value of an exported `calls` global, if the module has one (how far the guest got). */
  calls: number | null;
}

/**
 * The runner, as source text, so the worker runs exactly what the main thread
 * runs. Plain JS: (bytes, calls) -> CallOutcome[]. Every function import is a
 * stub that charges 10 fuel (like the call table) and returns how many host
 * calls were made so far: deterministic, so host calls can be in scenarios.
 */
export const RUNNER_SOURCE = `function runScenario(bytes, calls) {
  const module = new WebAssembly.Module(bytes);
  const imports = {};
  let hostCalls = 0;
  let exportsRef = null;
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== "function") continue;
    imports[imp.module] = imports[imp.module] || {};
    imports[imp.module][imp.name] = () => {
      exportsRef.__rf_fuel.value -= 10;
      return ++hostCalls;
    };
  }
  const instance = new WebAssembly.Instance(module, imports);
  exportsRef = instance.exports;
  const x = instance.exports;
  const out = [];
  for (const c of calls) {
    x.__rf_fuel.value = c.fuel;
    x.__rf_depth.value = 0;
    x.__rf_fault.value = 0;
    let outcome = "ok";
    let result = null;
    try {
      const r = x[c.name](...c.args);
      result = typeof r === "number" ? r : null;
    } catch (e) {
      outcome = e instanceof WebAssembly.RuntimeError ? "trap" : e instanceof RangeError ? "range_error" : "error:" + String(e);
    }
    out.push({
      outcome, result,
      fuelLeft: x.__rf_fuel.value, fault: x.__rf_fault.value, depth: x.__rf_depth.value,
      growDenied: x.__rf_grow_denied.value,
      calls: x.calls && typeof x.calls === "object" ? x.calls.value : null,
    });
  }
  return out;
}`;

const runScenarioHere = new Function(`${RUNNER_SOURCE}; return runScenario;`)() as (
  bytes: Uint8Array,
  calls: readonly ScenarioCall[],
) => CallOutcome[];

/** Runs the scenario on this thread. */
export function runOnMainThread(bytes: Uint8Array, calls: readonly ScenarioCall[]): CallOutcome[] {
  return runScenarioHere(bytes, calls);
}

/**
 * Runs the scenario in a fresh Worker (eval'd JS: vitest cannot start .ts
 * workers). The worker gets Node's default worker stack, which differs from
 * the main thread's: that is the point.
 */
export function runInWorker(bytes: Uint8Array, calls: readonly ScenarioCall[]): Promise<CallOutcome[]> {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    ${RUNNER_SOURCE}
    parentPort.postMessage(runScenario(workerData.bytes, workerData.calls));
  `;
  return firstReply<CallOutcome[]>(new Worker(code, { eval: true, workerData: { bytes, calls } }));
}

/** The worker's first message (then it is terminated); rejects if it errors or exits first with a non-zero code. */
export function firstReply<T>(worker: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.once("message", (m: T) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
    });
  });
}
