/**
 * Runs uploaded AssemblyScript through the compiler, one fresh worker per
 * compile, at most `concurrency` at once (the rest wait their turn in a
 * bounded queue). Each worker gets V8 heap limits (resourceLimits) and a
 * wall-clock deadline that starts when it starts, not when it was queued;
 * past the deadline it is terminated. asc's Binaryen backend keeps its heap
 * in a WebAssembly memory, which V8's heap limits do not cover and which a
 * 1 KiB source can grow to 4 GiB well inside the deadline: the compiler
 * caps that growth itself (maxCompilerMemoryMb, host/compiler/ascContainment.ts).
 */
import { Worker } from "node:worker_threads";
import { DEFAULT_MAX_COMPILER_MEMORY_MB } from "../../compiler/ascContainment.ts";
import { errorLine } from "../../text/printable.ts";
import type { CompileJob, CompileOutcome } from "./compileMessages.ts";

export interface CompileLimits {
  /** Wall time one compile may take, from its worker's start. */
  readonly timeoutMs: number;
  /** V8 old-generation heap of a compile worker, MiB. */
  readonly maxHeapMb: number;
  /** Growth of the compiler's Binaryen memory (outside the V8 heap), MiB; the compiler's default when absent. */
  readonly maxCompilerMemoryMb?: number;
  /** Compiles running at once. */
  readonly concurrency: number;
  /** Compiles waiting for a slot; one more is refused (busy). */
  readonly maxQueued: number;
}

export const DEFAULT_COMPILE_LIMITS: CompileLimits = Object.freeze({
  timeoutMs: 30_000, maxHeapMb: 512, maxCompilerMemoryMb: DEFAULT_MAX_COMPILER_MEMORY_MB, concurrency: 1, maxQueued: 8,
});

export type CompileResult =
  | CompileOutcome
  | { readonly ok: false; readonly limit: "timeout" | "memory" | "busy" | "crashed"; readonly message: string; readonly diagnostics: readonly string[] };

const SHUTTING_DOWN: CompileResult = { ok: false, limit: "busy", message: "the service is shutting down", diagnostics: [] };

export class CompileRunner {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly live = new Set<Worker>();
  private closed = false;

  constructor(private readonly workerScript: string, private readonly limits: CompileLimits = DEFAULT_COMPILE_LIMITS) {}

  /** Compiles running or waiting for a worker. */
  get inFlight(): number {
    return this.running + this.waiting.length;
  }

  async compile(job: CompileJob): Promise<CompileResult> {
    if (this.closed) return SHUTTING_DOWN;
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.maxQueued) {
        return { ok: false, limit: "busy", message: `too many compiles waiting (${this.limits.maxQueued}); try again shortly`, diagnostics: [] };
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.closed) return SHUTTING_DOWN;
    }
    this.running++;
    try {
      return await this.runOne(job);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private runOne(job: CompileJob): Promise<CompileResult> {
    return new Promise((resolve) => {
      const worker = new Worker(this.workerScript, {
        workerData: { ...job, maxCompilerMemoryMb: job.maxCompilerMemoryMb ?? this.limits.maxCompilerMemoryMb } satisfies CompileJob,
        resourceLimits: { maxOldGenerationSizeMb: this.limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
        stdout: true,
        stderr: true,
      });
      this.live.add(worker);
      let settled = false;
      const finish = (r: CompileResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.live.delete(worker);
        void worker.terminate();
        resolve(r);
      };
      const timer = setTimeout(() => finish({
        ok: false, limit: "timeout", message: `compile took longer than ${this.limits.timeoutMs} ms and was stopped`, diagnostics: [],
      }), this.limits.timeoutMs);
      worker.once("message", (m: CompileOutcome) => finish(m));
      worker.once("error", (e: Error & { code?: string }) => finish(e.code === "ERR_WORKER_OUT_OF_MEMORY"
        ? { ok: false, limit: "memory", message: `compile used more than the ${this.limits.maxHeapMb} MiB heap limit and was stopped`, diagnostics: [] }
        : { ok: false, limit: "crashed", message: `the compiler failed: ${errorLine(e)}`, diagnostics: [] }));
      worker.once("exit", (code) => finish(this.closed ? SHUTTING_DOWN : { ok: false, limit: "crashed", message: `the compile worker exited with code ${code}`, diagnostics: [] }));
    });
  }

  /** Stops every compile: running and waiting ones answer "the service is shutting down". */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all([...this.live].map((w) => w.terminate()));
  }
}
