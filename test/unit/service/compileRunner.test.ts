/**
 * The compile runner's limits, with the real compile worker (dist/): a
 * deadline terminates the worker, a tiny heap limit stops it, the queue is
 * bounded, and a normal compile still works afterwards.
 */
import { describe, expect, it } from "vitest";
import { CompileRunner } from "../../../host/service/compile/compileRunner.ts";
import { distPath } from "../../support/dist.ts";

const SOURCE = 'export * from "ringfence/exports";\n';

describe("CompileRunner", () => {
  it("stops a compile at its deadline and one over its heap limit", async () => {
    const script = distPath("serviceCompile.worker.mjs");
    const slow = new CompileRunner(script, { timeoutMs: 1, maxHeapMb: 512, concurrency: 1, maxQueued: 1, maxPerTenant: 2 });
    const t = await slow.compile({ source: SOURCE, name: "s" });
    expect(t).toMatchObject({ ok: false, limit: "timeout" });
    await slow.close();

    const tiny = new CompileRunner(script, { timeoutMs: 60_000, maxHeapMb: 4, concurrency: 1, maxQueued: 1, maxPerTenant: 2 });
    const m = await tiny.compile({ source: SOURCE, name: "s" });
    expect(m.ok).toBe(false);
    expect(m).toMatchObject({ ok: false, limit: "memory" });
    await tiny.close();
  });

  it("refuses a compile when the queue is full, and compiles normally", async () => {
    const runner = new CompileRunner(distPath("serviceCompile.worker.mjs"), { timeoutMs: 60_000, maxHeapMb: 512, concurrency: 1, maxQueued: 1, maxPerTenant: 2 });
    const results = await Promise.all([0, 1, 2].map((i) => runner.compile({ source: SOURCE, name: `s${i}` })));
    // One runs, one waits, the third finds the queue full.
    expect(results.map((r) => (r.ok ? "ok" : "limit" in r ? r.limit : r.message))).toEqual(["ok", "ok", "busy"]);
    for (const r of results) if (r.ok) expect(Array.from(r.wasm.subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]);
    const bad = await runner.compile({ source: "export function (", name: "bad" });
    expect(bad).toMatchObject({ ok: false });
    expect(bad.ok === false && !("limit" in bad) ? bad.message : "").toMatch(/<upload>\/bad\.ts:1:\d+: error/);
    await runner.close();
  });

  it("one tenant holds at most maxPerTenant of the slots and the line: another tenant's compile still gets in", async () => {
    const runner = new CompileRunner(distPath("serviceCompile.worker.mjs"), { timeoutMs: 60_000, maxHeapMb: 512, concurrency: 1, maxQueued: 8, maxPerTenant: 2 });
    // Tenant a sends five at once: two are taken (one runs, one waits), three refused; b's is taken too.
    const a = [0, 1, 2, 3, 4].map((i) => runner.compile({ source: SOURCE, name: `a${i}`, tenant: "a" }));
    const b = runner.compile({ source: SOURCE, name: "b0", tenant: "b" });
    const results = await Promise.all([...a, b]);
    expect(results.map((r) => (r.ok ? "ok" : "limit" in r ? r.limit : r.message))).toEqual(["ok", "ok", "busy", "busy", "busy", "ok"]);
    const refused = results[2];
    expect(refused.ok ? "" : refused.message).toMatch(/^this tenant already has 2 compiles running or waiting \(at most 2\); try again when one finishes$/);
    // Once they finished, the tenant's places are free again.
    expect((await runner.compile({ source: SOURCE, name: "a5", tenant: "a" })).ok).toBe(true);
    await runner.close();
  });

  it("a compile whose client went away (its signal aborted) gives back its slot or its place in line", async () => {
    const runner = new CompileRunner(distPath("serviceCompile.worker.mjs"), { timeoutMs: 60_000, maxHeapMb: 512, concurrency: 1, maxQueued: 1, maxPerTenant: 2 });
    // ~8 s of compile: the running one is stopped, not waited for.
    const slow = SOURCE + "let g: i32 = 0;\nexport function rf_start(): void {\n" + Array.from({ length: 50_000 }, (_, i) => `  g = g * 3 + ${i};\n`).join("") + "}\n";
    const runningGone = new AbortController();
    const waitingGone = new AbortController();
    const running = runner.compile({ source: slow, name: "slow", signal: runningGone.signal });
    const waiting = runner.compile({ source: SOURCE, name: "w", signal: waitingGone.signal });
    // The line (1 place) is full now.
    expect(await runner.compile({ source: SOURCE, name: "x" })).toMatchObject({ ok: false, limit: "busy" });
    waitingGone.abort();
    expect(await waiting).toEqual({ ok: false, limit: "busy", message: "cancelled: the client went away", diagnostics: [] });
    // Its place is free again: this one waits for the slot.
    const next = runner.compile({ source: SOURCE, name: "n" });
    await new Promise((r) => setTimeout(r, 1000));
    runningGone.abort();
    expect(await running).toMatchObject({ ok: false, message: "cancelled: the client went away" });
    // The stopped compile's slot went to the waiting one, which compiles.
    expect((await next).ok).toBe(true);
    expect(runner.inFlight).toBe(0);
    await runner.close();
  });
});
