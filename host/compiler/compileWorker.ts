/**
 * Starts one compile in a worker of its own (compile.worker.ts) and stops
 * it at a wall-clock deadline that starts with the worker. asc runs
 * synchronously for as long as a source makes it (a 1 MiB source of
 * straight-line statements: minutes), and on the thread that runs it no
 * timer can fire: terminating its worker is the only way to bound it.
 * V8 heap limits (resourceLimits, DEFAULT_COMPILE_HEAP_MB unless told
 * otherwise) bound the worker's JS heap: past them the worker is stopped and
 * the compile is one line, not a dead process. The compiler's Binaryen
 * memory, outside that heap, it caps itself (maxCompilerMemoryMb,
 * ascContainment.ts).
 *
 * Used by `ringfence build` (one compile) and the service's CompileRunner
 * (a bounded queue of them).
 */
import { Worker } from "node:worker_threads";
import { errorLine } from "../text/printable.ts";
import type { CompileOutcome, CompileRequest } from "./compileMessages.ts";

/** Default deadline of one compile, from its worker's start: `ringfence build --timeout` and the service's. */
export const DEFAULT_COMPILE_TIMEOUT_MS = 30_000;
/** Longest deadline a Node timer keeps (2^31 - 1 ms); a longer one would fire at once. */
export const MAX_COMPILE_TIMEOUT_MS = 2 ** 31 - 1;
/** Default V8 old-generation heap of a compile worker, MiB: `ringfence build --max-heap` and the service's compile.maxHeapMb. */
export const DEFAULT_COMPILE_HEAP_MB = 512;
/**
 * Stack of a compile worker, MiB (Node's default for a worker: 4). asc
 * recurses once per level of a nested expression or generic instantiation,
 * and a generic that instantiates itself builds type names that grow with
 * the depth: its heap grows with the square of the depth the stack allows.
 * On a 4 MiB stack `f<StaticArray<T>>` used 512–640 MiB of heap before the
 * stack overflowed, so with the default heap it read as out of memory; on
 * 2 MiB it overflows at about a quarter of that and says it is nested too
 * deeply. 2 MiB is still twice the main thread's stack (~1 MiB), so a
 * source that compiles in process compiles here.
 */
export const COMPILE_STACK_MB = 2;

export interface CompileWorkerLimits {
  /** Wall time the compile may take, from its worker's start. 1..MAX_COMPILE_TIMEOUT_MS. */
  readonly timeoutMs: number;
  /** V8 old-generation heap of the worker, MiB; DEFAULT_COMPILE_HEAP_MB when absent. */
  readonly maxHeapMb?: number;
}

export type WorkerCompileResult =
  | CompileOutcome
  | { readonly ok: false; readonly limit: "timeout" | "memory" | "crashed"; readonly message: string; readonly diagnostics: readonly string[] };

export interface RunningCompile {
  /** The outcome; never rejects. */
  readonly result: Promise<WorkerCompileResult>;
  /** Terminates the worker; `result` then answers "crashed" unless it already had its answer. */
  stop(): Promise<void>;
}

/** What a compile stopped at its heap limit says (a very large source, or one nested so deep its type names fill the heap). */
export function compileHeapMessage(maxHeapMb: number): string {
  return `the compile ran out of memory (limit ${maxHeapMb} MiB) and was stopped`;
}

/** Starts `request` in a fresh worker running `workerScript` (dist/compile.worker.mjs or a worker that imports it). */
export function startCompileWorker(workerScript: string, request: CompileRequest, limits: CompileWorkerLimits): RunningCompile {
  const { timeoutMs, maxHeapMb = DEFAULT_COMPILE_HEAP_MB } = limits;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_COMPILE_TIMEOUT_MS) {
    throw new RangeError(`timeoutMs=${timeoutMs} must be an integer in 1..${MAX_COMPILE_TIMEOUT_MS}`);
  }
  if (!Number.isSafeInteger(maxHeapMb) || maxHeapMb < 1) {
    throw new RangeError(`maxHeapMb=${maxHeapMb} must be a positive integer`);
  }
  const worker = new Worker(workerScript, {
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: COMPILE_STACK_MB },
    // Diagnostics come back in the outcome; anything else the compiler prints stays in the worker.
    stdout: true,
    stderr: true,
  });
  const result = new Promise<WorkerCompileResult>((resolve) => {
    let settled = false;
    const finish = (r: WorkerCompileResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => finish({
      ok: false, limit: "timeout", message: `compile took longer than ${timeoutMs} ms and was stopped`, diagnostics: [],
    }), timeoutMs);
    worker.once("message", (m: CompileOutcome) => finish(m));
    worker.once("error", (e: Error & { code?: string }) => finish(e.code === "ERR_WORKER_OUT_OF_MEMORY"
      ? { ok: false, limit: "memory", message: compileHeapMessage(maxHeapMb), diagnostics: [] }
      : { ok: false, limit: "crashed", message: `the compiler failed: ${errorLine(e)}`, diagnostics: [] }));
    worker.once("exit", (code) => finish({ ok: false, limit: "crashed", message: `the compile worker exited with code ${code}`, diagnostics: [] }));
  });
  return { result, stop: async () => { await worker.terminate(); } };
}
