/**
 * Starts one compile in a child process of its own (compile.worker.ts) and
 * stops it at a wall-clock deadline that starts with the process. asc runs
 * synchronously for as long as a source makes it (a 1 MiB source of
 * straight-line statements: minutes), and on the thread that runs it no
 * timer can fire: killing its process is the only way to bound it.
 * V8 heap limits (--max-old-space-size, DEFAULT_COMPILE_HEAP_MB unless told
 * otherwise) bound the child's JS heap: past them V8 ends the child and
 * the compile is one line, never a dead caller. The compiler's Binaryen
 * memory, outside that heap, it caps itself (maxCompilerMemoryMb,
 * ascContainment.ts).
 *
 * Used by `ringfence build` (one compile) and the service's CompileRunner
 * (a bounded queue of them).
 */
import { fork } from "node:child_process";
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

/** What the child is sent: the compile and the heap its compiling thread may use. */
export interface CompileProcessRequest {
  readonly request: CompileRequest;
  readonly maxHeapMb: number;
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

/** What the child writes to stderr when V8 stops it at its heap limit (a fatal error, not an exception). */
const HEAP_FATAL = /heap out of memory|Reached heap limit|heap limit/i;
/** Tail of the child's stderr kept to tell a heap death from another (the fatal error is its last lines). */
const STDERR_KEEP = 16 * 1024;

/**
 * Starts `request` in a fresh child process running `workerScript`
 * (dist/compile.worker.mjs or a script that imports it). A process, not a
 * worker thread: a source that makes asc exhaust its heap in some ways
 * (a generic that doubles its own type: `f<P<P<T,T>,P<T,T>>>`) is a V8
 * fatal error, which in a worker thread aborted the whole process —
 * `ringfence serve` with every deployment on it. A child dies alone.
 */
export function startCompileWorker(workerScript: string, request: CompileRequest, limits: CompileWorkerLimits): RunningCompile {
  const { timeoutMs, maxHeapMb = DEFAULT_COMPILE_HEAP_MB } = limits;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_COMPILE_TIMEOUT_MS) {
    throw new RangeError(`timeoutMs=${timeoutMs} must be an integer in 1..${MAX_COMPILE_TIMEOUT_MS}`);
  }
  if (!Number.isSafeInteger(maxHeapMb) || maxHeapMb < 1) {
    throw new RangeError(`maxHeapMb=${maxHeapMb} must be a positive integer`);
  }
  const child = fork(workerScript, [], {
    // The compile's own heap and stack are its worker's (compile.worker.ts); this bounds the watching thread and the process.
    execArgv: [`--max-old-space-size=${maxHeapMb}`, "--max-semi-space-size=16"],
    // Uint8Arrays (sources, the module) cross as they are.
    serialization: "advanced",
    // Diagnostics come back in the outcome; stdout stays in the child, stderr only tells a heap death apart.
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString("utf8")).slice(-STDERR_KEEP);
  });
  const result = new Promise<WorkerCompileResult>((resolve) => {
    let settled = false;
    const finish = (r: WorkerCompileResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      resolve(r);
    };
    const timer = setTimeout(() => finish({
      ok: false, limit: "timeout", message: `compile took longer than ${timeoutMs} ms and was stopped`, diagnostics: [],
    }), timeoutMs);
    child.once("message", (m: CompileOutcome) => finish(m));
    child.once("error", (e: Error) => finish({ ok: false, limit: "crashed", message: `the compiler failed: ${errorLine(e)}`, diagnostics: [] }));
    // stderr is read to its end before "close" fires, so the fatal error's text is in by then.
    child.once("close", (code, signal) => finish(HEAP_FATAL.test(stderr)
      ? { ok: false, limit: "memory", message: compileHeapMessage(maxHeapMb), diagnostics: [] }
      : { ok: false, limit: "crashed", message: `the compile process ${signal !== null ? `was killed by ${signal}` : `exited with code ${code}`}`, diagnostics: [] }));
    const message: CompileProcessRequest = { request, maxHeapMb };
    child.send(message, (e) => {
      if (e) finish({ ok: false, limit: "crashed", message: `the compiler failed: ${errorLine(e)}`, diagnostics: [] });
    });
  });
  return {
    result,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once("close", r));
        child.kill("SIGKILL");
        await gone;
      }
    },
  };
}
