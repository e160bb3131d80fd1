/**
 * The --html report in a real browser: Debian's chromium driven by
 * playwright-core, headless. A real backtest of the example strategies
 * (dist/strategies, built by test/globalSetup.ts) with chart series; the page
 * is opened from file://, and the test checks that every chart drew every
 * point (path vertices in the DOM against the series lengths, and painted
 * pixels of each series colour in a screenshot), that the summary table
 * matches the report, that the page made no request but its own file and
 * logged no error. A full-page screenshot is kept in test-artifacts/report.png.
 *
 * Skipped, with a message, only when chromium is missing and CI is not set;
 * in CI a missing chromium fails the test (.ci/run installs it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { runBacktest } from "../../host/backtest/backtest.ts";
import { formatFixed } from "../../host/feed/decimal.ts";
import { renderHtmlReport } from "../../host/report/htmlReport.ts";
import { spec, synthetic } from "../support/backtestHarness.ts";
import { distPath, repoRoot } from "../support/dist.ts";
import { launchChromium, skipWithoutChromium } from "./chromium.ts";
import { countColor, decodePng } from "./png.ts";

const SKIP = skipWithoutChromium("test/browser/htmlReport.test.ts");
const EXAMPLES = ["market-maker", "momentum", "mean-reversion"];
const COLORS = { equity: "#2457c5", drawdown: "#c2352b", position: "#7a3ebf", buy: "#1b8a4a", sell: "#c2352b" };

const dir = mkdtempSync(join(tmpdir(), "rf-browser-"));
let context: BrowserContext | null = null;
afterAll(async () => {
  await context?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(SKIP)("HTML report in chromium", () => {
  it("renders every chart with its data, loads nothing from the network, and matches the report", async () => {

    const recording = synthetic(20_000, 7, 2);
    const strategies = EXAMPLES.map((name) => spec(new Uint8Array(readFileSync(distPath(`strategies/${name}.wasm`))), { label: `${name}.wasm` }));
    const { report } = runBacktest({ recording, strategies, seriesPoints: 2000 });
    for (const s of report.strategies) expect(s.series!.points.length, s.module).toBe(2000);
    const html = renderHtmlReport(report, { title: "ringfence backtest: synthetic seed 7", data: "synthetic(20000, seed 7)", generatedBy: "ringfence test", instruments: recording.header.instruments });
    const file = join(dir, "report.html");
    writeFileSync(file, html);

    context = await launchChromium(join(dir, "profile"), { width: 1320, height: 900 });
    const requests: string[] = [];
    const problems: string[] = [];
    context.on("request", (r) => requests.push(r.url()));
    // Anything but the file itself is refused as well as counted, so a leak cannot hang the test on a network that is not there.
    await context.route(/^(?!file:).*/, (route) => route.abort());
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: "load" });

    // The DOM: every chart holds every point of its series.
    const dom = await page.evaluate(() => {
      const count = (d: string | null, re: RegExp) => (d ?? "").match(re)?.length ?? 0;
      return [...document.querySelectorAll("section.strategy")].map((section) => {
        const path = (sel: string) => section.querySelector<SVGPathElement>(sel)!;
        const box = (p: SVGPathElement) => p.getBBox();
        const equity = path("path.line.equity");
        const drawdown = path("path.line.drawdown");
        const position = path("path.line.position");
        return {
          title: section.querySelector("h2")!.textContent,
          equity: { n: Number(equity.dataset.n), vertices: count(equity.getAttribute("d"), /[ML]/g), width: box(equity).width, length: equity.getTotalLength() },
          drawdown: { n: Number(drawdown.dataset.n), vertices: count(drawdown.getAttribute("d"), /[ML]/g), width: box(drawdown).width },
          position: { n: Number(position.dataset.n), steps: count(position.getAttribute("d"), /V/g), width: box(position).width },
          fills: [...section.querySelectorAll<HTMLElement>('figure[data-chart="fills"]')].map((f) => ({
            instrument: Number(f.dataset.instrument),
            fills: Number(f.dataset.fills),
            buys: count(f.querySelector("path.marks.buy")!.getAttribute("d"), /M/g),
            sells: count(f.querySelector("path.marks.sell")!.getAttribute("d"), /M/g),
          })),
          stroke: getComputedStyle(equity).stroke,
        };
      });
    });
    expect(dom).toHaveLength(EXAMPLES.length);
    report.strategies.forEach((s, i) => {
      const d = dom[i];
      const n = s.series!.points.length;
      expect(d.title).toBe(s.module);
      expect(d.equity).toMatchObject({ n, vertices: n });
      expect(d.equity.width).toBeGreaterThan(400); // spans the plot (viewBox units)
      expect(d.equity.length).toBeGreaterThan(0);
      expect(d.drawdown).toMatchObject({ n, vertices: n });
      expect(d.position).toMatchObject({ n, steps: n - 1 });
      expect(d.stroke).toBe("rgb(36, 87, 197)");
      const byInstrument = new Map<number, { buys: number; sells: number }>();
      for (const f of s.series!.fills) {
        const e = byInstrument.get(f.instrument) ?? { buys: 0, sells: 0 };
        if (f.side === 1) e.buys++;
        else e.sells++;
        byInstrument.set(f.instrument, e);
      }
      expect(s.series!.fills.length, `${s.module} made no fills: the test needs some`).toBeGreaterThan(0);
      expect(d.fills.map((f) => f.instrument).sort()).toEqual([...byInstrument.keys()].sort());
      for (const f of d.fills) {
        const want = byInstrument.get(f.instrument)!;
        expect(f).toMatchObject({ fills: want.buys + want.sells, buys: want.buys, sells: want.sells });
      }
    });

    // The summary table shows the report's numbers, PnL exactly.
    const table = await page.$$eval("table.summary-table tbody tr", (rows) =>
      rows.map((r) => Object.fromEntries([...r.querySelectorAll<HTMLElement>("td[data-col]")].map((td) => [td.dataset.col, td.textContent]))),
    );
    expect(table).toEqual(
      report.strategies.map((s) =>
        expect.objectContaining({ orders: String(s.orders), fills: String(s.fills), rejects: String(s.rejects), faults: String(s.faults.length), pnl: formatFixed(s.pnl, s.pnlDecimals) }),
      ),
    );
    expect(await page.textContent("dd.hash")).toBe(report.auditHash);

    // Pixels: each chart painted its series colour (lines, areas and marks actually drew).
    for (let i = 0; i < EXAMPLES.length; i++) {
      const shot = async (sel: string) => decodePng(await page.locator(`#strategy-${i} ${sel}`).first().screenshot());
      expect(countColor(await shot('figure[data-chart="equity"]'), COLORS.equity), `equity of strategy ${i}`).toBeGreaterThan(300);
      expect(countColor(await shot('figure[data-chart="drawdown"]'), COLORS.drawdown), `drawdown of strategy ${i}`).toBeGreaterThan(300);
      expect(countColor(await shot('figure[data-chart="position"]'), COLORS.position), `position of strategy ${i}`).toBeGreaterThan(300);
      const fillsShot = await shot('figure[data-chart="fills"]');
      expect(countColor(fillsShot, COLORS.buy) + countColor(fillsShot, COLORS.sell), `fills of strategy ${i}`).toBeGreaterThan(20);
    }

    mkdirSync(join(repoRoot, "test-artifacts"), { recursive: true });
    await page.screenshot({ path: join(repoRoot, "test-artifacts", "report.png"), fullPage: true });

    expect(requests).toEqual([url]);
    expect(problems).toEqual([]);
  });
});
