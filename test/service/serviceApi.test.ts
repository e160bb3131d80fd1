/**
 * The upload service end to end over loopback HTTP, in-process: keys and
 * roles, uploads (wasm and AssemblyScript, admitted and rejected, too big),
 * tenant isolation, backtests with their report, deployments on the rings
 * with a halt that cancels working orders, kill switches, the audit trail,
 * rate limits, path traversal and the error shape.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, pollUntil, startHarness, type ApiResponse, type Harness } from "./support/serviceHarness.ts";
import { distPath, repoRoot } from "../support/dist.ts";
import { hasStackTrace } from "../support/cli.ts";

const MOMENTUM = new Uint8Array(readFileSync(distPath("strategies/momentum.wasm")));
const MARKET_MAKER = new Uint8Array(readFileSync(distPath("strategies/market-maker.wasm")));
const MOMENTUM_SOURCE = readFileSync(join(repoRoot, "strategies/momentum/strategy.ts"), "utf8");

let h: Harness;
let acme: string;
let globex: string;
let risk: string;
let admin: string;
/** A tenant that never uploads anything. */
let initech: string;

beforeAll(async () => {
  h = await startHarness({ costlyRate: { perSecond: 100, burst: 1000 } });
  [acme, globex, risk, admin, initech] = await Promise.all([
    h.key("acme", "quant"), h.key("globex", "quant"), h.key("ops", "risk"), h.key("ops", "admin"), h.key("initech", "quant"),
  ]);
});
afterAll(async () => {
  await h?.dispose();
});

function expectError(r: ApiResponse, status: number, code: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.body?.error?.code, r.text).toBe(code);
  expect(typeof r.body.error.message).toBe("string");
  expect(r.body.error.message).not.toContain("\n");
  expect(hasStackTrace(r.text)).toBe(false);
}

describe("authentication and errors", () => {
  it("refuses a missing, malformed, unknown or revoked key with 401 and a JSON error", async () => {
    expectError(await api(h.url, "GET", "/v1/strategies", null), 401, "unauthorized");
    expectError(await api(h.url, "POST", "/v1/strategies?name=m", null, MOMENTUM), 401, "unauthorized");
    expect((await api(h.url, "GET", "/v1/health", null)).body).toEqual({ ok: true });
    expectError(await api(h.url, "GET", "/v1/strategies", "not-a-key"), 401, "unauthorized");
    const unknown = acme.slice(0, 4) + "0123456789abcdef" + acme.slice(20);
    expectError(await api(h.url, "GET", "/v1/strategies", unknown), 401, "unauthorized");
    const wrongSecret = acme.slice(0, -1) + (acme.endsWith("A") ? "B" : "A");
    const r = await api(h.url, "GET", "/v1/strategies", wrongSecret);
    expectError(r, 401, "unauthorized");
    expect(r.headers.get("www-authenticate")).toContain("Bearer");

    const created = await api(h.url, "POST", "/v1/keys", admin, { tenant: "temp", role: "quant" });
    expect(created.status).toBe(201);
    expect((await api(h.url, "GET", "/v1/whoami", created.body.key)).body).toMatchObject({ tenant: "temp", role: "quant" });
    expect((await api(h.url, "DELETE", `/v1/keys/${created.body.keyId}`, admin)).body.revoked).toBe(true);
    expectError(await api(h.url, "GET", "/v1/whoami", created.body.key), 401, "unauthorized");
    // Keys are listed without secrets or hashes.
    const listed = await api(h.url, "GET", "/v1/keys", admin);
    // The secret is base64url and may itself contain "_": take all after the id.
    expect(listed.text).not.toContain(created.body.key.split("_").slice(2).join("_"));
    expect(listed.text).not.toContain("secret");
    expectError(await api(h.url, "GET", "/v1/keys", acme), 403, "forbidden");
  });

  it("sends security headers and JSON errors for unknown routes and bad JSON", async () => {
    const r = await api(h.url, "GET", "/v1/nothing-here", acme);
    expectError(r, 404, "not_found");
    for (const name of ["content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy", "cross-origin-opener-policy"]) {
      expect(r.headers.get(name), name).toBeTruthy();
    }
    const bad = await fetch(`${h.url}/v1/backtests`, { method: "POST", headers: { authorization: `Bearer ${acme}`, "content-type": "application/json" }, body: "{nope" });
    const body = await bad.json();
    expect(bad.status).toBe(400);
    expect(body.error.code).toBe("bad_request");
    const xml = await fetch(`${h.url}/v1/backtests`, { method: "POST", headers: { authorization: `Bearer ${acme}`, "content-type": "text/xml" }, body: "<a/>" });
    expect(xml.status).toBe(415);
    expect((await xml.json()).error.code).toBe("unsupported_media_type");
  });

  it("treats path-traversal and odd names as not found or bad input, never as a path", async () => {
    for (const path of ["/v1/strategies/..%2F..%2Fetc%2Fpasswd", "/v1/strategies/../../etc/passwd", "/v1/backtests/bt_..%2F..", "/v1/deployments/%2e%2e", "/v1/backtests/bt_0123456789abcdef/html"]) {
      const r = await api(h.url, "GET", path, acme);
      expect([400, 404], `${path}: ${r.text}`).toContain(r.status);
      expect(r.body?.error?.code, path).toBeTruthy();
    }
    expectError(await api(h.url, "POST", "/v1/strategies?name=..%2Fevil", acme, MOMENTUM), 400, "bad_request");
    expectError(await api(h.url, "POST", "/v1/strategies", acme, { source: "x", name: "../../evil" }), 400, "bad_request");
    expectError(await api(h.url, "GET", "/v1/strategies?tenant=..%2Fx", risk), 400, "bad_request");
  });
});

describe("uploads and the registry", () => {
  it("admits a module (201), recognises it again (200), and keeps it from other tenants", async () => {
    const up = await api(h.url, "POST", "/v1/strategies?name=momentum", acme, MOMENTUM);
    expect(up.status, up.text).toBe(201);
    expect(up.body).toMatchObject({ admitted: true, existing: false, name: "momentum", tenant: "acme", sizeBytes: MOMENTUM.length });
    expect(up.body.codeId).toMatch(/^[0-9a-f]{64}$/);
    const again = await api(h.url, "POST", "/v1/strategies?name=momentum", acme, MOMENTUM);
    expect(again.status).toBe(200);
    expect(again.body.existing).toBe(true);

    expect((await api(h.url, "GET", `/v1/strategies/${up.body.codeId}`, acme)).status).toBe(200);
    expectError(await api(h.url, "GET", `/v1/strategies/${up.body.codeId}`, globex), 404, "not_found");
    expect((await api(h.url, "GET", "/v1/strategies", globex)).body.strategies.map((s: { codeId: string }) => s.codeId)).not.toContain(up.body.codeId);
    expect((await api(h.url, "GET", "/v1/strategies?tenant=acme", globex)).body.strategies).toEqual([]);
    const all = await api(h.url, "GET", "/v1/strategies", risk);
    expect(all.body.strategies.some((s: { codeId: string; tenant: string }) => s.codeId === up.body.codeId && s.tenant === "acme")).toBe(true);
    expectError(await api(h.url, "POST", "/v1/strategies?name=x", risk, MOMENTUM), 403, "forbidden");
  });

  it("rejects a non-module with 422 and every admission reason, and audits the rejection", async () => {
    const junk = new TextEncoder().encode("#!/bin/sh\nrm -rf /\n");
    const r = await api(h.url, "POST", "/v1/strategies?name=junk", acme, junk);
    expectError(r, 422, "admission_rejected");
    expect(r.body.error.admitted).toBe(false);
    expect(r.body.error.reasons.map((x: { code: string }) => x.code)).toEqual(["not_wasm"]);
    const audit = await api(h.url, "GET", "/v1/audit", acme);
    expect(audit.body.verification.ok).toBe(true);
    expect(audit.body.entries.some((e: { call: string }) => e.call === "upload_rejected")).toBe(true);
  });

  it("refuses a body over the module size limit with 413", async () => {
    const big = new Uint8Array(h.service.ctx.config.maxWasmBytes * 2 + 1);
    expectError(await api(h.url, "POST", "/v1/strategies?name=big", acme, big), 413, "payload_too_large");
    expectError(await api(h.url, "POST", "/v1/backtests", acme, { codeIds: ["a".repeat(64)], pad: "x".repeat(h.service.ctx.config.maxJsonBytes) }), 413, "payload_too_large");
  });

  it("compiles AssemblyScript in a worker: a good source is admitted, a bad one is a 422 with diagnostics", async () => {
    const good = await api(h.url, "POST", "/v1/strategies", globex, { source: MOMENTUM_SOURCE, name: "momentum_src" });
    expect(good.status, good.text).toBe(201);
    expect(good.body).toMatchObject({ admitted: true, source: "assemblyscript", name: "momentum_src", tenant: "globex" });
    // Same source and flags give the same bytes as `npm run build`: the same code id.
    const built = await api(h.url, "POST", "/v1/strategies?name=momentum", globex, MOMENTUM);
    expect(built.body.codeId).toBe(good.body.codeId);

    const bad = await api(h.url, "POST", "/v1/strategies", globex, { source: 'export * from "ringfence/exports";\nlet x: i32 = "nope";\n', name: "broken" });
    expectError(bad, 422, "compile_error");
    expect(bad.body.error.message).toMatch(/<upload>\/broken\.ts:2:\d+: error/);
    expect(bad.body.error.diagnostics.length).toBeGreaterThan(0);

    const escape = await api(h.url, "POST", "/v1/strategies", globex, { source: 'import { x } from "../../../etc/passwd";\nexport * from "ringfence/exports";\n', name: "escape" });
    expectError(escape, 422, "compile_error");
  });
});

describe("backtests", () => {
  it("runs on the pool and serves the report as JSON and HTML; other tenants see 404", async () => {
    const codeId = (await api(h.url, "POST", "/v1/strategies?name=momentum", acme, MOMENTUM)).body.codeId;
    expectError(await api(h.url, "POST", "/v1/backtests", acme, { codeIds: [codeId], dataset: { events: 0 } }), 400, "bad_request");
    expectError(await api(h.url, "POST", "/v1/backtests", acme, { codeIds: [codeId], dataset: { file: "/etc/passwd" } }), 400, "bad_request");
    expectError(await api(h.url, "POST", "/v1/backtests", initech, { codeIds: [codeId] }), 404, "not_found");
    const started = await api(h.url, "POST", "/v1/backtests", acme, { codeIds: [codeId], dataset: { seed: 3, events: 20_000, instruments: 2 }, params: { fast_period: 8 } });
    expect(started.status, started.text).toBe(202);
    expect(started.body.id).toMatch(/^bt_[0-9a-f]{16}$/);
    const done = await pollUntil(() => api(h.url, "GET", `/v1/backtests/${started.body.id}`, acme), (r) => r.body.status === "done" || r.body.status === "failed");
    expect(done.body.status, JSON.stringify(done.body.error)).toBe("done");
    expect(done.body.report.events).toBe(20_000);
    expect(done.body.report.strategies[0].codeId).toBe(codeId);
    expect(done.body.report.strategies[0].series.points.length).toBeGreaterThan(100);
    expect(done.body.summary.auditHash).toBe(done.body.report.auditHash);

    const html = await fetch(`${h.url}/v1/backtests/${started.body.id}/html`, { headers: { authorization: `Bearer ${acme}` } });
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toContain("text/html");
    const page = await html.text();
    expect(page).toContain("<svg");
    expect(page).toContain('class="line equity"');
    expectError(await api(h.url, "GET", `/v1/backtests/${started.body.id}`, globex), 404, "not_found");
    expectError(await api(h.url, "GET", `/v1/backtests/${started.body.id}/html`, initech), 404, "not_found");
    expect((await api(h.url, "GET", `/v1/backtests/${started.body.id}`, risk)).status).toBe(200);
  });
});

describe("deployments and kill switches", () => {
  let mm: string;
  beforeAll(async () => {
    mm = (await api(h.url, "POST", "/v1/strategies?name=market-maker", acme, MARKET_MAKER)).body.codeId;
    await api(h.url, "POST", "/v1/strategies?name=market-maker", globex, MARKET_MAKER);
  });

  async function deploy(key: string): Promise<string> {
    const r = await api(h.url, "POST", "/v1/deployments", key, { codeId: mm, limits: { maxPositionLots: 50 }, feed: { seed: 5, ratePerSec: 400 } });
    expect(r.status, r.text).toBe(201);
    return r.body.id;
  }

  it("paper-trades on the rings and a halt cancels the working orders; the audit chain verifies", async () => {
    const id = await deploy(acme);
    const live = await pollUntil(() => api(h.url, "GET", `/v1/deployments/${id}`, acme), (r) => (r.body.live?.workingOrders ?? 0) > 0);
    expect(live.body.live.workingOrders, JSON.stringify(live.body.live)).toBeGreaterThan(0);
    expect(live.body.live.eventsPublished).toBeGreaterThan(0);
    expectError(await api(h.url, "GET", `/v1/deployments/${id}`, globex), 404, "not_found");
    expectError(await api(h.url, "POST", `/v1/deployments/${id}/halt`, globex), 404, "not_found");
    expectError(await api(h.url, "POST", `/v1/deployments/${id}/halt`, admin), 403, "forbidden");

    const halted = await api(h.url, "POST", `/v1/deployments/${id}/halt`, risk);
    expect(halted.status, halted.text).toBe(200);
    expect(halted.body.status).toBe("halted");
    expect(halted.body.final.workingAtHalt).toBeGreaterThan(0);
    expect(halted.body.final.workingAfter).toBe(0);
    expect(halted.body.live).toBeNull();

    const audit = await api(h.url, "GET", `/v1/audit?deployment=${id}&limit=1000`, acme);
    expect(audit.body.verification).toEqual({ ok: true, firstBroken: null });
    const calls = audit.body.entries.map((e: { call: string }) => e.call);
    expect(calls[0]).toBe("deploy");
    expect(calls).toContain("order");
    expect(calls).toContain("kill_switch");
    expect(calls.at(-1)).toBe("halted");
    expectError(await api(h.url, "GET", `/v1/audit?deployment=${id}`, globex), 404, "not_found");
    // The same chain as an audit file: what `ringfence audit verify` reads.
    const file = await fetch(`${h.url}/v1/audit?deployment=${id}&format=file`, { headers: { authorization: `Bearer ${risk}` } });
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { verifyAuditBytes } = await import("../../host/audit/auditFile.ts");
    expect(verifyAuditBytes(bytes)).toMatchObject({ ok: true, chains: [{ label: `deployment:${id}`, entries: audit.body.count, headHex: audit.body.head }] });
  });

  it("a tenant kill switch halts that tenant only and blocks new deployments until released", async () => {
    const [a1, a2, g1] = [await deploy(acme), await deploy(acme), await deploy(globex)];
    expectError(await api(h.url, "POST", "/v1/kill", acme, { tenant: "acme" }), 403, "forbidden");
    expectError(await api(h.url, "POST", "/v1/kill", risk, { tenant: "acme", global: true }), 400, "bad_request");
    const kill = await api(h.url, "POST", "/v1/kill", risk, { tenant: "acme" });
    expect(kill.status, kill.text).toBe(200);
    expect(kill.body.halted).toEqual([a1, a2].sort());
    expect((await api(h.url, "GET", `/v1/deployments/${a1}`, acme)).body).toMatchObject({ status: "halted", endedBy: "kill:tenant" });
    expect((await api(h.url, "GET", `/v1/deployments/${g1}`, globex)).body.status).toBe("running");
    expectError(await api(h.url, "POST", "/v1/deployments", acme, { codeId: mm }), 409, "kill_switch_engaged");
    expect((await api(h.url, "GET", "/v1/kill", acme)).body).toEqual({ engaged: true });
    expect((await api(h.url, "POST", "/v1/kill/release", risk, { tenant: "acme" })).body.released).toBe(true);

    const global = await api(h.url, "POST", "/v1/kill", risk, { global: true });
    expect(global.body.halted).toEqual([g1]);
    expectError(await api(h.url, "POST", "/v1/deployments", globex, { codeId: mm }), 409, "kill_switch_engaged");
    await api(h.url, "POST", "/v1/kill/release", risk, { global: true });
    const again = await deploy(globex);
    expect((await api(h.url, "POST", `/v1/deployments/${again}/halt`, globex)).body.status).toBe("halted");

    const service = await api(h.url, "GET", "/v1/audit?chain=service", risk);
    expect(service.body.verification.ok).toBe(true);
    expect(service.body.entries.map((e: { call: string }) => e.call)).toEqual(expect.arrayContaining(["kill_switch_engaged", "kill_switch_released"]));
    expectError(await api(h.url, "GET", "/v1/audit?chain=service", acme), 403, "forbidden");
  });
});

describe("dashboard", () => {
  it("is served self-contained: its own script and style only, under a strict CSP", async () => {
    const page = await fetch(`${h.url}/`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/https?:/);
    expect(html).toContain('<script src="/dashboard.js" defer></script>');
    // An inline icon: browsers otherwise ask for /favicon.ico, a 404 in the console.
    expect(html).toContain('<link rel="icon" href="data:,">');
    const js = await (await fetch(`${h.url}/dashboard.js`)).text();
    const css = await (await fetch(`${h.url}/dashboard.css`)).text();
    for (const text of [html, js, css]) expect(text).not.toMatch(/https?:\/\//);
    expect(js).not.toContain("innerHTML");
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After once a key's burst is spent, per key", async () => {
    const small = await startHarness({ rate: { perSecond: 0.001, burst: 3 } });
    try {
      const [k1, k2] = [await small.key("a", "quant"), await small.key("b", "quant")];
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await api(small.url, "GET", "/v1/whoami", k1)).status);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const limited = await api(small.url, "GET", "/v1/whoami", k1);
      expectError(limited, 429, "rate_limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await api(small.url, "GET", "/v1/whoami", k2)).status).toBe(200);
    } finally {
      await small.dispose();
    }
  });
});
