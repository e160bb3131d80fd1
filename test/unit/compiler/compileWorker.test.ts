/**
 * The compile process's limits (host/compiler/compileWorker.ts), shared by
 * `ringfence build` and the service: a heap limit on every compile (the
 * service's 512 MiB unless told otherwise), one line past it, and a stack
 * small enough that a self-instantiating generic overflows it — and says it
 * is nested too deeply — before it fills that heap.
 */
import { spawn } from "node:child_process";
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
  it("a compile started without a heap limit gets the default one (the service's), and the compile stack", async () => {
    // A stand-in compile process that answers with the limits it was started with.
    const script = join(tmp, "limits.worker.mjs");
    writeFileSync(script, 'import { getHeapStatistics } from "node:v8";\n'
      + 'process.once("message", (m) => process.send({ ok: false, message: JSON.stringify({ execArgv: process.execArgv, heapMb: getHeapStatistics().heap_size_limit / 2 ** 20, sent: m.maxHeapMb }), diagnostics: [] }, () => process.disconnect()));\n');
    const r = await startCompileWorker(script, { kind: "source", source: "", name: "x" }, { timeoutMs: 60_000 }).result;
    expect(r.ok).toBe(false);
    const limits = JSON.parse(r.ok ? "{}" : r.message);
    expect(limits.execArgv).toContain(`--max-old-space-size=${DEFAULT_COMPILE_HEAP_MB}`);
    // The old generation plus the young one's semi-spaces.
    expect(limits.heapMb).toBeGreaterThanOrEqual(DEFAULT_COMPILE_HEAP_MB);
    expect(limits.heapMb).toBeLessThan(DEFAULT_COMPILE_HEAP_MB + 100);
    // The compiling thread's limit (and its COMPILE_STACK_MB stack) are set from this in compile.worker.ts.
    expect(limits.sent).toBe(DEFAULT_COMPILE_HEAP_MB);
    expect(COMPILE_STACK_MB).toBe(2);
    expect(DEFAULT_COMPILE_LIMITS.maxHeapMb).toBe(DEFAULT_COMPILE_HEAP_MB);
  });

  it("a generic that doubles its own type, which V8 ends with a fatal heap error, is one line; the caller lives on", async () => {
    // In a worker thread this aborted the whole process (a native stack trace, signal 6): \`serve\` with it.
    const doubling = `${HEADER}class P<A, B> { a: A; b: B; constructor(a: A, b: B) { this.a = a; this.b = b; } }\n`
      + "function f<T>(x: T, n: i32): i32 { if (n == 0) return 0; return f<P<P<T, T>, P<T, T>>>(new P<P<T, T>, P<T, T>>(new P<T, T>(x, x), new P<T, T>(x, x)), n - 1); }\n"
      + "export function rf_start(): void { g = f<i32>(1, 3); }\n";
    const r = await startCompileWorker(distPath("compile.worker.mjs"), { kind: "source", source: doubling, name: "doubling", maxDiagnostics: 20 },
      { timeoutMs: DEFAULT_COMPILE_LIMITS.timeoutMs, maxHeapMb: DEFAULT_COMPILE_LIMITS.maxHeapMb }).result;
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.message).toMatch(/^the compile ran out of memory \(limit 512 MiB\) and was stopped$|nested too deeply/);
    const ok = await startCompileWorker(distPath("compile.worker.mjs"), { kind: "file", entryPath: join(repoRoot, "strategies", "momentum", "strategy.ts") }, { timeoutMs: 60_000 }).result;
    expect(ok.ok).toBe(true);
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

  it("a compile whose parent is killed ends with it: no orphan runs on past its deadline", async () => {
    // A parent that starts a long compile (~1 MB of distinct statements: minutes) and reports its child's pid, then is SIGKILLed.
    const slow = join(tmp, "slow.ts");
    writeFileSync(slow, HEADER + "export function rf_start(): void {\n" + Array.from({ length: 50_000 }, (_, i) => `  g = g * 3 + ${i};\n`).join("") + "}\n");
    const parent = join(tmp, "parent.mjs");
    writeFileSync(parent, `import { fork } from "node:child_process";\n`
      + `const child = fork(${JSON.stringify(distPath("compile.worker.mjs"))}, [], { serialization: "advanced", stdio: ["ignore", "ignore", "ignore", "ipc"] });\n`
      + `child.send({ request: { kind: "file", entryPath: ${JSON.stringify(slow)} }, maxHeapMb: 512 });\n`
      + `console.log(child.pid);\n`);
    const p = spawn(process.execPath, [parent], { stdio: ["ignore", "pipe", "ignore"] });
    const childPid = await new Promise<number>((resolve) => p.stdout.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
    // Let the compile get going, then kill the parent the way a crash would.
    const alive = () => {
      try {
        process.kill(childPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await new Promise((r) => setTimeout(r, 1500));
    expect(alive(), "the compile should still be running when its parent dies").toBe(true);
    p.kill("SIGKILL");
    let waited = 0;
    // The compile alone takes ~8 s here: a child that outlives its parent by 2 s is compiling on as an orphan.
    while (alive() && waited < 2_000) {
      await new Promise((r) => setTimeout(r, 100));
      waited += 100;
    }
    const orphan = alive();
    if (orphan) process.kill(childPid, "SIGKILL");
    expect(orphan, `compile process ${childPid} outlived its parent by 2 s`).toBe(false);
  });
});
