/**
 * Runs uploaded AssemblyScript through the compiler, one fresh child
 * process per compile (compileWorker.ts), at most `concurrency` at once
 * (the rest wait their turn in a bounded queue). Each gets V8 heap limits
 * and a wall-clock deadline that starts when it starts, not when it was
 * queued; past the deadline it is killed. asc's Binaryen backend keeps its heap
 * in a WebAssembly memory, which V8's heap limits do not cover and which a
 * 1 KiB source can grow to 4 GiB well inside the deadline: the compiler
 * caps that growth itself (maxCompilerMemoryMb, host/compiler/ascContainment.ts).
 */
import { DEFAULT_MAX_COMPILER_MEMORY_MB } from "../../compiler/ascContainment.ts";
import { DEFAULT_COMPILE_HEAP_MB, DEFAULT_COMPILE_TIMEOUT_MS, startCompileWorker, type RunningCompile } from "../../compiler/compileWorker.ts";
import type { CompileJob, CompileOutcome } from "./compileMessages.ts";

export interface CompileLimits {
  /** Wall time one compile may take, from its worker's start, ms (at most 2^31 - 1). */
  readonly timeoutMs: number;
  /** V8 old-generation heap of a compile process, MiB. */
  readonly maxHeapMb: number;
  /** Growth of the compiler's Binaryen memory (outside the V8 heap), MiB; the compiler's default when absent. */
  readonly maxCompilerMemoryMb?: number;
  /** Compiles running at once. */
  readonly concurrency: number;
  /** Compiles waiting for a slot; one more is refused (busy). */
  readonly maxQueued: number;
  /**
   * Compiles one tenant may have running or waiting at once; one more is
   * refused (busy). Without it one tenant's ten slow uploads held the only
   * slot and the whole line, and every other tenant's upload was refused.
   */
  readonly maxPerTenant: number;
}

export const DEFAULT_COMPILE_LIMITS: CompileLimits = Object.freeze({
  timeoutMs: DEFAULT_COMPILE_TIMEOUT_MS, maxHeapMb: DEFAULT_COMPILE_HEAP_MB, maxCompilerMemoryMb: DEFAULT_MAX_COMPILER_MEMORY_MB, concurrency: 1, maxQueued: 8, maxPerTenant: 2,
});

export type CompileResult =
  | CompileOutcome
  | { readonly ok: false; readonly limit: "timeout" | "memory" | "busy" | "crashed"; readonly message: string; readonly diagnostics: readonly string[] };

/** Diagnostics a compile answers with at most: the first ones are what a person acts on, and a response stays small. */
const MAX_DIAGNOSTICS = 20;

const SHUTTING_DOWN: CompileResult = { ok: false, limit: "busy", message: "the service is shutting down", diagnostics: [] };
/** The answer to a compile nobody waits for any more (its request's client went away). */
const CANCELLED: CompileResult = { ok: false, limit: "busy", message: "cancelled: the client went away", diagnostics: [] };

export class CompileRunner {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly live = new Set<RunningCompile>();
  /** Compiles running or waiting, per tenant. */
  private readonly perTenant = new Map<string, number>();
  private closed = false;

  constructor(private readonly workerScript: string, private readonly limits: CompileLimits = DEFAULT_COMPILE_LIMITS) {}

  /** Compiles running or waiting for a worker. */
  get inFlight(): number {
    return this.running + this.waiting.length;
  }

  async compile(job: CompileJob): Promise<CompileResult> {
    if (this.closed) return SHUTTING_DOWN;
    const tenant = job.tenant;
    if (tenant === undefined) return this.inLine(job);
    const held = this.perTenant.get(tenant) ?? 0;
    if (held >= this.limits.maxPerTenant) {
      return { ok: false, limit: "busy", message: `this tenant already has ${held} compiles running or waiting (at most ${this.limits.maxPerTenant}); try again when one finishes`, diagnostics: [] };
    }
    this.perTenant.set(tenant, held + 1);
    try {
      return await this.inLine(job);
    } finally {
      const left = this.perTenant.get(tenant)! - 1;
      if (left === 0) this.perTenant.delete(tenant);
      else this.perTenant.set(tenant, left);
    }
  }

  /** Waits for a slot (or is refused when the line is full), then compiles. */
  private async inLine(job: CompileJob): Promise<CompileResult> {
    if (job.signal?.aborted) return CANCELLED;
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.maxQueued) {
        return { ok: false, limit: "busy", message: `too many compiles waiting (${this.limits.maxQueued}); try again shortly`, diagnostics: [] };
      }
      let wake!: () => void;
      const cancelled = await new Promise<boolean>((resolve) => {
        wake = () => resolve(false);
        this.waiting.push(wake);
        job.signal?.addEventListener("abort", () => resolve(true), { once: true });
      });
      if (cancelled) {
        // Out of the line without taking a slot (it was not woken).
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        else this.waiting.shift()?.(); // woken in the same turn: pass the slot on
        return CANCELLED;
      }
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

  private async runOne(job: CompileJob): Promise<CompileResult> {
    const compile = startCompileWorker(this.workerScript, {
      kind: "source", source: job.source, name: job.name,
      maxCompilerMemoryMb: job.maxCompilerMemoryMb ?? this.limits.maxCompilerMemoryMb, maxDiagnostics: MAX_DIAGNOSTICS,
    }, { timeoutMs: this.limits.timeoutMs, maxHeapMb: this.limits.maxHeapMb });
    this.live.add(compile);
    const stop = (): void => void compile.stop();
    job.signal?.addEventListener("abort", stop, { once: true });
    try {
      const r = await compile.result;
      if (job.signal?.aborted) return CANCELLED;
      // close() terminated it: that is not the compiler's failure.
      return this.closed && !r.ok && "limit" in r && r.limit === "crashed" ? SHUTTING_DOWN : r;
    } finally {
      job.signal?.removeEventListener("abort", stop);
      this.live.delete(compile);
    }
  }

  /** Stops every compile: running and waiting ones answer "the service is shutting down". */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all([...this.live].map((c) => c.stop()));
  }
}
