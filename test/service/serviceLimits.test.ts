/**
 * The service's limits under requests that arrive together, URLs the router
 * refuses before any hook, and the one-server-per-data-directory lock.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService } from "../../host/service/server.ts";
import { SERVE_LOCK_FILE } from "../../host/service/store/serveLock.ts";
import { distPath, repoRoot } from "../support/dist.ts";
import { hasStackTrace } from "../support/cli.ts";
import { api, builtWorkers, startHarness, type ApiResponse, type Harness } from "./support/serviceHarness.ts";

const MARKET_MAKER = new Uint8Array(readFileSync(distPath("strategies/market-maker.wasm")));
const MAX_DEPLOYMENTS = 2;
const MAX_PENDING = 2;

let h: Harness;
let acme: string;
let risk: string;
let mm: string;

beforeAll(async () => {
  h = await startHarness({ costlyRate: { perSecond: 100, burst: 1000 }, maxDeployments: MAX_DEPLOYMENTS, backtestThreads: 1, backtestMaxPending: MAX_PENDING });
  [acme, risk] = await Promise.all([h.key("acme", "quant"), h.key("ops", "risk")]);
  mm = (await api(h.url, "POST", "/v1/strategies?name=market-maker", acme, MARKET_MAKER)).body.codeId;
});
afterAll(async () => {
  await h?.dispose();
});

function statuses(rs: ApiResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of rs) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

describe("limits hold for requests that arrive together", () => {
  it("never runs more deployments than maxDeployments", async () => {
    const rs = await Promise.all(Array.from({ length: 6 }, () =>
      api(h.url, "POST", "/v1/deployments", acme, { codeId: mm, feed: { seed: 5, ratePerSec: 200 } })));
    expect(statuses(rs)).toEqual({ 201: MAX_DEPLOYMENTS, 503: 6 - MAX_DEPLOYMENTS });
    for (const r of rs.filter((r) => r.status === 503)) expect(r.body.error.code).toBe("busy");
    expect(h.service.ctx.deployments.runningCount).toBe(MAX_DEPLOYMENTS);
    for (const r of rs.filter((r) => r.status === 201)) {
      expect((await api(h.url, "POST", `/v1/deployments/${r.body.id}/halt`, risk)).body.status).toBe("halted");
    }
    expect(h.service.ctx.deployments.runningCount).toBe(0);
  });

  it("never accepts more backtests than one running plus backtestMaxPending waiting", async () => {
    const rs = await Promise.all(Array.from({ length: 10 }, () =>
      api(h.url, "POST", "/v1/backtests", acme, { codeIds: [mm], dataset: { seed: 9, events: 20_000, instruments: 1 } })));
    const accepted = rs.filter((r) => r.status === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThanOrEqual(1 + MAX_PENDING);
    for (const r of rs.filter((r) => r.status !== 202)) expect([r.status, r.body.error.code]).toEqual([503, "busy"]);
    await h.service.ctx.jobs.idle();
  });
});

describe("URLs the router refuses", () => {
  it("answer in the service's error shape, with its headers, without echoing the path", async () => {
    const long = "a".repeat(200);
    for (const [path, status] of [["/v1/strategies/%zz", 400], [`/v1/strategies/${long}`, 414]] as const) {
      const r = await api(h.url, "GET", path, acme);
      expect(r.status, r.text).toBe(status);
      expect(typeof r.body?.error?.code, r.text).toBe("string");
      expect(r.body.error.message).not.toContain("\n");
      expect(r.text).not.toContain(long);
      expect(hasStackTrace(r.text)).toBe(false);
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
    }
  });
});

describe("one server per data directory", () => {
  it("a second server on a directory in use is refused before it changes anything", async () => {
    const live = await api(h.url, "POST", "/v1/deployments", acme, { codeId: mm, feed: { seed: 5, ratePerSec: 200 } });
    expect(live.status, live.text).toBe(201);
    await expect(startService({ dataDir: h.dataDir, port: 0, workers: builtWorkers() })).rejects.toThrow(/in use by another server/);
    const after = await api(h.url, "GET", `/v1/deployments/${live.body.id}`, acme);
    expect(after.body.status).toBe("running");
    const chain = await api(h.url, "GET", `/v1/audit?deployment=${live.body.id}`, acme);
    expect(chain.text).not.toContain("interrupted");
    expect((await api(h.url, "POST", `/v1/deployments/${live.body.id}/halt`, risk)).body.status).toBe("halted");
  });

  it("a lock left by a process that is gone is taken over, and released on close", async () => {
    const dir = join(h.dataDir, "other");
    const first = await startHarness({}, dir);
    await first.dispose();
    expect(existsSync(join(dir, SERVE_LOCK_FILE))).toBe(false);
    // A pid no process has (beyond the kernel's pid_max), as after a kill -9.
    writeFileSync(join(dir, SERVE_LOCK_FILE), "99999999\n");
    const second = await startHarness({}, dir);
    expect(readFileSync(join(dir, SERVE_LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
    await second.dispose();
  });
});

describe("shutdown", () => {
  it("does not wait for a compile in flight: it answers 503, and deployments end as shut down", async () => {
    const own = await startHarness({ costlyRate: { perSecond: 100, burst: 1000 } });
    let closed = false;
    try {
      const key = await own.key("acme", "quant");
      const codeId = (await api(own.url, "POST", "/v1/strategies?name=market-maker", key, MARKET_MAKER)).body.codeId;
      const dep = await api(own.url, "POST", "/v1/deployments", key, { codeId, feed: { seed: 5, ratePerSec: 200 } });
      expect(dep.status, dep.text).toBe(201);
      // Thousands of statements: seconds of compiling, far longer than a shutdown takes.
      const body = Array.from({ length: 4000 }, (_, i) => `  x = x * 3 + ${i}; if (x > 1000000) x = x % 997;`).join("\n");
      const source = `${readFileSync(join(repoRoot, "strategies/momentum/strategy.ts"), "utf8")}\nexport function slowHelper(y: i32): i32 {\n  let x = y;\n${body}\n  return x;\n}\n`;
      const compiling = api(own.url, "POST", "/v1/strategies", key, { source, name: "slow" });
      for (let i = 0; i < 2000 && own.service.ctx.compiler.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(own.service.ctx.compiler.inFlight).toBe(1);
      await own.service.close();
      closed = true;
      const r = await compiling;
      expect([r.status, r.body?.error?.message]).toEqual([503, "the service is shutting down"]);
      const reopened = await startHarness({}, own.dataDir);
      try {
        const rec = reopened.service.ctx.store.deployments.get(dep.body.id);
        expect([rec?.status, rec?.endedBy]).toEqual(["halted", "shutdown"]);
      } finally {
        await reopened.service.close();
      }
    } finally {
      if (!closed) await own.service.close();
      rmSync(own.dataDir, { recursive: true, force: true });
    }
  });
});
