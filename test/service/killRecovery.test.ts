/**
 * Durability with a real kill -9: a spawned server takes uploads from
 * several clients at once (plus a running deployment writing its audit
 * chain and a queued backtest), and is SIGKILLed at a seeded-random point
 * while requests are in flight. After a restart on the same directory,
 * every upload that was acknowledged is there, every audit chain verifies,
 * the deployment is marked interrupted and the backtest is run to the end.
 * Two rounds on the same directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { strategyWat, wat } from "../fixtures/wat.ts";
import { prng, randInt, testSeed } from "../support/seed.ts";
import { api, pollUntil } from "./support/serviceHarness.ts";
import { createKeyCli, runServiceCli, spawnServer, type ServerProcess } from "./support/serviceProcess.ts";
import { readFileSync } from "node:fs";
import { distPath } from "../support/dist.ts";

const dataDir = mkdtempSync(join(tmpdir(), "rf-kill-"));
let server: ServerProcess | null = null;
afterAll(() => {
  server?.child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

/** Distinct admitted modules: the minimal ABI module with a different data segment each. */
function modules(from: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => wat(strategyWat({ extra: `(data (i32.const 2048) "kill-test-module-${from + i}")` })));
}

describe("kill -9 of the server", () => {
  it("loses no acknowledged upload and leaves every audit chain verifiable", async () => {
    const rand = prng(testSeed("killRecovery"));
    const quant = await createKeyCli(dataDir, "acme", "quant");
    const risk = await createKeyCli(dataDir, "ops", "risk");
    const mm = new Uint8Array(readFileSync(distPath("strategies/market-maker.wasm")));
    const acked = new Set<string>();
    let next = 0;

    for (let round = 0; round < 2; round++) {
      server = await spawnServer(dataDir);
      const url = server.url;
      expect(server.output.join("\n")).toMatch(/(\d+)\/\1 audit chains verified/);
      // Load that writes while the kill lands: a deployment (audit batches) and a backtest.
      const mmId = (await api(url, "POST", "/v1/strategies?name=mm", quant, mm)).body.codeId;
      const dep = await api(url, "POST", "/v1/deployments", quant, { codeId: mmId, feed: { ratePerSec: 2000 } });
      expect(dep.status, dep.text).toBe(201);
      const job = await api(url, "POST", "/v1/backtests", quant, { codeIds: [mmId], dataset: { events: 200_000 } });
      expect(job.status).toBe(202);

      const batch = modules(next, 400);
      next += batch.length;
      const killAfter = randInt(rand, 10, 40);
      const ackedBefore = acked.size;
      let sent = 0;
      let killed = false;
      const client = async () => {
        while (!killed && sent < batch.length) {
          const m = batch[sent++];
          try {
            const r = await api(url, "POST", `/v1/strategies?name=m${next}_${sent}`, quant, m);
            if (r.status === 201) acked.add(r.body.codeId);
            else if (r.status === 429) await new Promise((res) => setTimeout(res, 1000 * Number(r.headers.get("retry-after") ?? 1)));
            else if (r.status !== 200) throw new Error(`upload failed: ${r.status} ${r.text}`);
          } catch (e) {
            if (!killed) throw e; // after the kill, a refused connection is expected
          }
          if (!killed && acked.size - ackedBefore >= killAfter) {
            killed = true;
            server!.child.kill("SIGKILL");
          }
        }
      };
      await Promise.all([client(), client(), client(), client()]);
      expect(killed, "the kill never happened: too few uploads").toBe(true);
      expect(await server.exited).toBeNull(); // killed by a signal, no exit code

      server = await spawnServer(dataDir);
      const out = server.output.join("\n");
      expect(out, out).toMatch(/(\d+)\/\1 audit chains verified, 1 deployments marked interrupted/);
      expect(out).not.toContain("WARNING");
      const listed = await api(server.url, "GET", "/v1/strategies", quant);
      const present = new Set(listed.body.strategies.map((s: { codeId: string }) => s.codeId));
      const lost = [...acked].filter((c) => !present.has(c));
      expect(lost, `acknowledged uploads lost after kill -9 (round ${round})`).toEqual([]);

      for (const q of ["/v1/audit", `/v1/audit?deployment=${dep.body.id}`]) {
        const a = await api(server.url, "GET", q, quant);
        expect(a.body.verification, `${q}: ${a.text.slice(0, 300)}`).toEqual({ ok: true, firstBroken: null });
      }
      expect((await api(server.url, "GET", "/v1/audit?chain=service", risk)).body.verification.ok).toBe(true);
      const d = await api(server.url, "GET", `/v1/deployments/${dep.body.id}`, quant);
      expect(d.body).toMatchObject({ status: "interrupted", endedBy: "restart" });
      const done = await pollUntil(() => api(server!.url, "GET", `/v1/backtests/${job.body.id}`, quant), (r) => r.body.status === "done" || r.body.status === "failed");
      expect(done.body.status).toBe("done");

      // A clean stop (SIGTERM) for the next round's start.
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      server = null;
    }
    // The CLI sees the same store.
    const keys = await runServiceCli(["keys", "list", "--data", dataDir, "--json"]);
    expect(JSON.parse(keys.stdout).keys).toHaveLength(2);
  });
});
