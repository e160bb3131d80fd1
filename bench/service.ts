/**
 * `ringfence bench service`: a bounded load on the upload service over
 * loopback. The service runs in this process (its pools and workers in
 * their own threads); several tenants' clients, each with a few requests in
 * flight, mix uploads (distinct admitted modules), backtests (small
 * datasets) and reads (lists, single strategies, jobs, the audit chain).
 * Every read is also checked for a cross-tenant leak: a list must hold only
 * the caller's tenant, and another tenant's strategy or job must be 404.
 *
 * Reports requests/s over the whole run, p50/p99 latency per kind and
 * overall, errors (any unexpected status) and leaks. The request count is
 * fixed; nothing here runs longer than the work it was given.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import binaryen from "binaryen";
import { createKey } from "../host/service/auth/keyIssuer.ts";
import { startService, type WorkerScripts } from "../host/service/server.ts";

export interface ServiceBenchOptions {
  readonly tenants: number;
  readonly requestsPerTenant: number;
  /** Requests in flight per tenant. */
  readonly concurrency: number;
  /** Events in each backtest's dataset. */
  readonly backtestEvents: number;
  readonly workers: WorkerScripts;
}

export const DEFAULT_SERVICE_BENCH = { tenants: 4, requestsPerTenant: 250, concurrency: 4, backtestEvents: 5_000 } as const;
export const QUICK_SERVICE_BENCH = { tenants: 2, requestsPerTenant: 60, concurrency: 2, backtestEvents: 2_000 } as const;

type Kind = "upload" | "backtest" | "list" | "strategy" | "job" | "audit" | "probe";
const KINDS: readonly Kind[] = ["upload", "backtest", "list", "strategy", "job", "audit", "probe"];

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ServiceBenchResult {
  tenants: number;
  concurrency: number;
  requests: number;
  wallMs: number;
  requestsPerSec: number;
  overall: LatencySummary;
  byKind: Record<string, LatencySummary>;
  errors: number;
  firstError: string | null;
  crossTenantLeaks: number;
  backtestsSubmitted: number;
  backtestsDone: number;
}

/** The minimal ABI module with a distinct data segment: each is a different code id. */
function distinctModule(tag: string): Uint8Array {
  const m = binaryen.parseText(`(module
  (memory (export "memory") 1 1)
  (data (i32.const 2048) "${tag}")
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start")) (func (export "rf_on_market")) (func (export "rf_on_order"))
  (func (export "rf_on_timer")) (func (export "rf_stop")))`);
  try {
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

function summary(ms: number[]): LatencySummary {
  if (ms.length === 0) return { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  const round = (v: number) => Math.round(v * 100) / 100;
  return { count: s.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), maxMs: round(s[s.length - 1]) };
}

interface TenantState {
  readonly name: string;
  readonly key: string;
  readonly codeIds: string[];
  readonly jobs: string[];
}

export async function runServiceBench(o: ServiceBenchOptions): Promise<ServiceBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "rf-bench-service-"));
  const generous = { perSecond: 1e6, burst: 1e6 };
  const service = await startService({
    dataDir, port: 0, workers: o.workers,
    config: { rate: generous, costlyRate: generous, backtestMaxPending: 10_000, admissionMaxQueued: 10_000 },
  });
  const latencies = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  let errors = 0;
  let firstError: string | null = null;
  let leaks = 0;
  let backtestsSubmitted = 0;
  const fail = (what: string) => {
    errors++;
    firstError ??= what;
  };
  try {
    const tenants: TenantState[] = [];
    for (let t = 0; t < o.tenants; t++) {
      const name = `tenant${t}`;
      tenants.push({ name, key: (await createKey(service.ctx.store, name, "quant", "bench", Date.now())).key, codeIds: [], jobs: [] });
    }
    // Each tenant starts with one strategy, so reads and backtests have something to name.
    for (const t of tenants) {
      const r = await fetch(`${service.url}/v1/strategies?name=seed`, { method: "POST", headers: { authorization: `Bearer ${t.key}`, "content-type": "application/wasm" }, body: distinctModule(`${t.name}-seed`) as Uint8Array<ArrayBuffer> });
      t.codeIds.push(((await r.json()) as { codeId: string }).codeId);
    }

    const timed = async (kind: Kind, key: string, method: string, path: string, body?: Uint8Array | object): Promise<{ status: number; json: any }> => {
      const headers: Record<string, string> = { authorization: `Bearer ${key}` };
      let payload: BodyInit | undefined;
      if (body instanceof Uint8Array) {
        headers["content-type"] = "application/wasm";
        payload = body as Uint8Array<ArrayBuffer>;
      } else if (body !== undefined) {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(body);
      }
      const t0 = performance.now();
      const r = await fetch(service.url + path, { method, headers, body: payload });
      const json = await r.json();
      latencies.get(kind)!.push(performance.now() - t0);
      return { status: r.status, json };
    };

    const step = async (t: TenantState, i: number): Promise<void> => {
      const other = tenants[(tenants.indexOf(t) + 1) % tenants.length];
      const slot = i % 20;
      if (slot === 0) {
        const r = await timed("upload", t.key, "POST", `/v1/strategies?name=m${i}`, distinctModule(`${t.name}-${i}`));
        if (r.status === 201) t.codeIds.push(r.json.codeId);
        else fail(`upload: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
      } else if (slot === 10) {
        const codeId = t.codeIds[i % t.codeIds.length];
        const r = await timed("backtest", t.key, "POST", "/v1/backtests", { codeIds: [codeId], dataset: { seed: i, events: o.backtestEvents, instruments: 1 } });
        if (r.status === 202) {
          t.jobs.push(r.json.id);
          backtestsSubmitted++;
        } else fail(`backtest: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
      } else if (slot % 5 === 1) {
        const r = await timed("list", t.key, "GET", "/v1/strategies");
        if (r.status !== 200) fail(`list: ${r.status}`);
        else if (r.json.strategies.some((s: { tenant: string }) => s.tenant !== t.name)) leaks++;
      } else if (slot % 5 === 2) {
        const r = await timed("strategy", t.key, "GET", `/v1/strategies/${t.codeIds[i % t.codeIds.length]}`);
        if (r.status !== 200) fail(`strategy: ${r.status}`);
        else if (r.json.tenant !== t.name) leaks++;
      } else if (slot % 5 === 3 && t.jobs.length > 0) {
        const r = await timed("job", t.key, "GET", `/v1/backtests/${t.jobs[i % t.jobs.length]}`);
        if (r.status !== 200) fail(`job: ${r.status}`);
        else if (r.json.tenant !== t.name) leaks++;
      } else if (slot % 5 === 4) {
        const r = await timed("audit", t.key, "GET", "/v1/audit?limit=20");
        if (r.status !== 200) fail(`audit: ${r.status}`);
        else if (r.json.chain !== `tenant:${t.name}`) leaks++;
        else if (!r.json.verification.ok) fail("audit: chain did not verify");
      } else {
        // Probe another tenant's resources: anything but 404 is a leak.
        const job = other.jobs[i % Math.max(1, other.jobs.length)];
        const path = job !== undefined && i % 2 === 0 ? `/v1/backtests/${job}` : `/v1/strategies/${other.codeIds[i % other.codeIds.length]}`;
        const r = await timed("probe", t.key, "GET", path);
        if (r.status !== 404) leaks++;
      }
    };

    const t0 = performance.now();
    await Promise.all(tenants.map(async (t) => {
      let next = 0;
      await Promise.all(Array.from({ length: o.concurrency }, async () => {
        for (let i = next++; i < o.requestsPerTenant; i = next++) {
          try {
            await step(t, i);
          } catch (e) {
            fail(`request failed: ${(e as Error)?.message ?? String(e)}`);
          }
        }
      }));
    }));
    const wallMs = performance.now() - t0;
    await service.ctx.jobs.idle();
    const backtestsDone = service.ctx.store.allJobs().filter((j) => j.status === "done").length;
    const all = KINDS.flatMap((k) => latencies.get(k)!);
    const byKind: Record<string, LatencySummary> = {};
    for (const k of KINDS) byKind[k] = summary(latencies.get(k)!);
    return {
      tenants: o.tenants, concurrency: o.concurrency, requests: all.length, wallMs: Math.round(wallMs),
      requestsPerSec: Math.round(all.length / (wallMs / 1000)), overall: summary(all), byKind,
      errors, firstError, crossTenantLeaks: leaks, backtestsSubmitted, backtestsDone,
    };
  } finally {
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatServiceBench(r: ServiceBenchResult, command: string): string {
  const lines = [
    `# ${command}`,
    `${r.requests} requests from ${r.tenants} tenants (${r.concurrency} in flight each) in ${r.wallMs} ms: ${r.requestsPerSec} requests/s`,
    `latency p50 ${r.overall.p50Ms} ms, p99 ${r.overall.p99Ms} ms, max ${r.overall.maxMs} ms`,
    `errors ${r.errors}${r.firstError ? ` (first: ${r.firstError})` : ""}, cross-tenant leaks ${r.crossTenantLeaks}, backtests ${r.backtestsDone}/${r.backtestsSubmitted} done`,
    "",
    `${"kind".padEnd(9)} ${"count".padStart(6)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)}`,
  ];
  for (const [k, s] of Object.entries(r.byKind)) {
    lines.push(`${k.padEnd(9)} ${String(s.count).padStart(6)} ${String(s.p50Ms).padStart(8)} ${String(s.p99Ms).padStart(8)} ${String(s.maxMs).padStart(8)}`);
  }
  return lines.join("\n");
}
