/**
 * The compile worker's limits (host/compiler/compileWorker.ts), shared by
 * `ringfence build` and the service: a heap limit on every worker (the
 * service's 512 MiB unless told otherwise), one line past it, and a stack
 * small enough that a self-instantiating generic overflows it — and says it
 * is nested too deeply — before it fills that heap.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMPILE_STACK_MB, DEFAULT_COMPILE_HEAP_MB, startCompileWorker } from "../../../host/compiler/compileWorker.ts";
import { DEFAULT_COMPILE_LIMITS } from "../../../host/service/compile/compileRunner.ts";
import { distPath, repoRoot } from "../../support/dist.ts";

const tmp = mkdtempSync(join(tmpdir(), "rf-compile-worker-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER = 'export * from "ringfence/exports";\nlet g: i32 = 0;\n';

describe("compile worker limits", () => {
  it("a worker started without a heap limit gets the default one (the service's), and the compile stack", async () => {
    // A stand-in worker that answers with the limits it was started with.
    const script = join(tmp, "limits.worker.mjs");
    writeFileSync(script, 'import { parentPort, resourceLimits } from "node:worker_threads";\n'
      + "parentPort.postMessage({ ok: false, message: JSON.stringify(resourceLimits), diagnostics: [] });\n");
    const r = await startCompileWorker(script, { kind: "source", source: "", name: "x" }, { timeoutMs: 60_000 }).result;
    expect(r.ok).toBe(false);
    const limits = JSON.parse(r.ok ? "{}" : r.message);
    expect(limits).toMatchObject({ maxOldGenerationSizeMb: DEFAULT_COMPILE_HEAP_MB, stackSizeMb: COMPILE_STACK_MB });
    expect(DEFAULT_COMPILE_LIMITS.maxHeapMb).toBe(DEFAULT_COMPILE_HEAP_MB);
  });

  it("past its heap limit a compile is one line naming the limit, and the next compile works", async () => {
    const entry = join(repoRoot, "strategies", "momentum", "strategy.ts");
    const script = distPath("compile.worker.mjs");
    const r = await startCompileWorker(script, { kind: "file", entryPath: entry }, { timeoutMs: 60_000, maxHeapMb: 16 }).result;
    expect(r).toEqual({ ok: false, limit: "memory", message: "the compile ran out of memory (limit 16 MiB) and was stopped", diagnostics: [] });
    const ok = await startCompileWorker(script, { kind: "file", entryPath: entry }, { timeoutMs: 60_000 }).result;
    expect(ok.ok).toBe(true);
  });

  it("a generic that instantiates itself without end, under the service's limits, says it is nested too deeply", async () => {
    // On Node's 4 MiB worker stack this filled the 512 MiB heap before the stack overflowed.
    const recursive = `${HEADER}function f<T>(n: i32): i32 { if (n <= 0) return 0; return f<StaticArray<T>>(n - 1); }\n`
      + "export function rf_start(): void { g = f<i32>(3); }\n";
    const r = await startCompileWorker(distPath("compile.worker.mjs"), { kind: "source", source: recursive, name: "generic", maxDiagnostics: 20 },
      { timeoutMs: DEFAULT_COMPILE_LIMITS.timeoutMs, maxHeapMb: DEFAULT_COMPILE_LIMITS.maxHeapMb }).result;
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.message).toMatch(/^error: the source is nested too deeply for the compiler/);
  });
});
