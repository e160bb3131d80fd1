/**
 * The service dashboard in a real browser (Debian's chromium through
 * playwright-core, headless), against a real in-process service: log in
 * with a quant key, upload a strategy, run a backtest and see its chart
 * (the equity path in the report frame holds every point, and its colour is
 * painted), deploy it to paper trading, then log in as risk and halt it —
 * the row turns halted and the deployment's audit chain shows the kill
 * switch, verified. The page may load nothing but its own origin and log no
 * error (a CSP violation would be one). Screenshots: test-artifacts/dashboard-*.png.
 *
 * Skipped, with a message, only when chromium is missing and CI is not set;
 * in CI a missing chromium fails the test (.ci/run installs it).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, type Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { distPath, repoRoot } from "../support/dist.ts";
import { startHarness, type Harness } from "../service/support/serviceHarness.ts";
import { launchChromium, skipWithoutChromium } from "./chromium.ts";
import { countColor, decodePng } from "./png.ts";

const SKIP = skipWithoutChromium("test/browser/dashboard.test.ts");
const EQUITY_COLOR = "#2457c5";
const ARTIFACTS = join(repoRoot, "test-artifacts");

const dir = mkdtempSync(join(tmpdir(), "rf-dashboard-"));
let context: BrowserContext | null = null;
let h: Harness | null = null;
afterAll(async () => {
  await context?.close();
  await h?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function logIn(page: Page, key: string, role: string): Promise<void> {
  await page.fill("#key", key);
  await page.click("#login-btn");
  await expect.poll(() => page.textContent("#who"), { timeout: 15_000 }).toContain(role);
}

describe.skipIf(SKIP)("dashboard in chromium", () => {
  it("logs in, uploads, backtests with a chart, deploys, and halts as risk", async () => {
    h = await startHarness();
    const quantKey = await h.key("acme", "quant");
    const riskKey = await h.key("ops", "risk");
    mkdirSync(ARTIFACTS, { recursive: true });

    context = await launchChromium(join(dir, "profile"), { width: 1400, height: 1000 });
    const foreign: string[] = [];
    const problems: string[] = [];
    const origin = new URL(h.url).origin;
    await context.route(/.*/, (route) => {
      const u = route.request().url();
      if (u.startsWith(origin + "/") || u.startsWith("about:")) return route.continue();
      foreign.push(u);
      return route.abort();
    });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(h.url + "/", { waitUntil: "load" });

    // A wrong key is refused on the page.
    await page.fill("#key", "rfk_0000000000000000_" + "A".repeat(43));
    await page.click("#login-btn");
    await expect.poll(() => page.textContent("#login-error"), { timeout: 15_000 }).toContain("invalid API key");
    // The 401 above is logged by the browser as a failed resource load; anything else stays a problem.
    const others = problems.filter((p) => !/status of 401/.test(p));
    problems.length = 0;
    problems.push(...others);

    await logIn(page, quantKey, "quant");

    // Upload the market maker.
    await page.setInputFiles("#upload-file", distPath("strategies/market-maker.wasm"));
    await page.fill("#upload-name", "market-maker");
    await page.click("#upload-btn");
    await expect.poll(() => page.textContent("#upload-result"), { timeout: 30_000 }).toContain("admitted");
    const codeId = await page.getAttribute("#upload-result", "data-code-id");
    expect(codeId).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(() => page.locator(`#strategy-table tr[data-code-id="${codeId}"]`).count()).toBe(1);

    // Backtest it and open the report.
    await page.selectOption("#bt-strategy", codeId!);
    await page.fill("#bt-events", "20000");
    await page.click("#bt-run");
    await expect.poll(() => page.getAttribute("#backtest-result", "data-id"), { timeout: 15_000 }).toMatch(/^bt_/);
    const jobId = await page.getAttribute("#backtest-result", "data-id");
    const row = page.locator(`#backtest-table tr[data-id="${jobId}"]`);
    await expect.poll(() => row.getAttribute("data-status"), { timeout: 120_000 }).toBe("done");
    await row.locator("button.view-report").click();
    const frame = page.frameLocator("#report-frame");
    const equity = frame.locator("path.line.equity").first();
    await equity.waitFor({ timeout: 30_000 });
    const n = Number(await equity.getAttribute("data-n"));
    const vertices = ((await equity.getAttribute("d")) ?? "").match(/[ML]/g)?.length ?? 0;
    expect(n).toBeGreaterThan(100);
    expect(vertices).toBe(n);
    await frame.locator('figure[data-chart="equity"]').first().scrollIntoViewIfNeeded();
    const chart = decodePng(await frame.locator('figure[data-chart="equity"]').first().screenshot());
    expect(countColor(chart, EQUITY_COLOR), "the equity curve was painted").toBeGreaterThan(300);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-backtest.png"), fullPage: true });

    // Deploy it to paper trading; the live row fills in.
    await page.selectOption("#dp-strategy", codeId!);
    await page.click("#dp-run");
    await expect.poll(() => page.textContent("#deploy-result"), { timeout: 30_000 }).toMatch(/deployed dp_/);
    const deploymentId = (await page.textContent("#deploy-result"))!.split(" ")[1];
    const dRow = page.locator(`#deployment-table tr[data-id="${deploymentId}"]`);
    await expect.poll(() => dRow.getAttribute("data-status"), { timeout: 15_000 }).toBe("running");
    // Events flow and the market maker's quotes are working.
    await expect.poll(async () => Number(await dRow.locator("td").nth(4).textContent()), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(async () => Number(await dRow.locator("td").nth(8).textContent()), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-deployment.png"), fullPage: true });

    // Risk logs in (same tab, after logging out) and halts it.
    await page.click("#logout");
    await page.waitForSelector("#login:not([hidden])");
    await logIn(page, riskKey, "risk");
    await expect.poll(() => page.locator(`#deployment-table tr[data-id="${deploymentId}"] button.halt`).count(), { timeout: 15_000 }).toBe(1);
    await page.locator(`#deployment-table tr[data-id="${deploymentId}"] button.halt`).click();
    await expect.poll(() => page.locator(`#deployment-table tr[data-id="${deploymentId}"]`).getAttribute("data-status"), { timeout: 30_000 }).toBe("halted");
    await expect.poll(() => page.textContent("#deploy-result"), { timeout: 15_000 }).toMatch(/halted dp_\w+: \d+ working orders cancelled/);
    await expect.poll(() => page.textContent("#audit-status"), { timeout: 15_000 }).toBe("chain verified");
    expect(await page.textContent("#audit-chain")).toContain(`deployment:${deploymentId}`);
    const calls = await page.$$eval("#audit-table tbody tr td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
    // Newest first: the halt, after the kill switch the worker applied.
    expect(calls[0]).toBe("halted");
    expect(calls).toContain("kill_switch");
    await page.screenshot({ path: join(ARTIFACTS, "dashboard-halted.png"), fullPage: true });

    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });
});
