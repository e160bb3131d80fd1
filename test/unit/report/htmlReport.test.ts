/**
 * renderHtmlReport: a self-contained page (no script, nothing loaded), every
 * report string escaped, PnL printed exactly, charts that hold every series
 * point, and the same bytes for the same report.
 */
import { describe, expect, it } from "vitest";
import { renderHtmlReport, type HtmlReportMeta } from "../../../host/report/htmlReport.ts";
import { fills, points, report, strategyReport } from "./reportFixtures.ts";

const META: HtmlReportMeta = { title: "ringfence backtest: feed.rfr", data: "/tmp/feed.rfr", generatedBy: "ringfence backtest" };

/** Every element the renderer may emit; anything else in the page came from a report string that escaped. */
const ALLOWED_TAGS = new Set([
  "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "dl", "dt", "dd", "main", "section", "table", "thead", "tbody",
  "tr", "th", "td", "a", "ul", "li", "b", "div", "figure", "figcaption", "span", "svg", "rect", "line", "text", "path", "footer",
]);

function tags(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1].toLowerCase());
}

function withSeries(o: Parameters<typeof strategyReport>[0] = {}, n = 500) {
  return strategyReport({
    series: { every: 20, points: points(n, 20, (i) => Math.round(1000 * Math.sin(i / 40)) - i), fills: [...fills(40, 0, 200), ...fills(15, 1, 600)], fillsDropped: 0 },
    ...o,
  });
}

describe("renderHtmlReport", () => {
  it("escapes every string from the report: an XSS attempt in a label, a fault, a symbol stays text", () => {
    const evil = `<script>alert(1)</script><img src=x onerror="alert(2)">`;
    const s = withSeries({
      module: `${evil}.wasm`,
      codeId: `"><svg onload=alert(3)>`,
      auditHash: `' onmouseover='alert(4)`,
      faults: [{ kind: "trap<b>", atEvent: 5, callback: "rf_on_market<i>", fuelAtFault: 7, message: `wasm trap: </li><script src="https://evil.example/x.js"></script>` }],
      denials: { "<iframe>": 3 },
      instruments: [
        { symbol: `<A&"'>`, position: 0, cashTicksLots: 0, markTicks: 0, pnlTicksLots: 0 },
        { symbol: "</text><script>", position: 0, cashTicksLots: 0, markTicks: 0, pnlTicksLots: 0 },
      ],
    });
    const html = renderHtmlReport(report([s]), { title: `t</title><script>alert(5)</script>`, data: `"><base href="https://evil.example/">`, generatedBy: "<meta http-equiv=refresh>" });
    for (const tag of tags(html)) expect(ALLOWED_TAGS.has(tag), `unexpected <${tag}> in the page`).toBe(true);
    // No event-handler attribute in any real tag (escaped text has no raw '<', so every match is a tag the renderer wrote).
    // Quoted values are dropped first: escapeHtml turns '"' into &quot;, so a value cannot end early.
    for (const tag of html.match(/<[a-zA-Z][^>]*>/g)!) expect(tag.replace(/"[^"]*"/g, '""'), tag).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;.wasm");
    expect(html).toContain("wasm trap: &lt;/li&gt;&lt;script src=&quot;https://evil.example/x.js&quot;&gt;&lt;/script&gt;");
    expect(html).toContain("&lt;A&amp;&quot;&#39;&gt;");
    expect(html).toContain("&lt;iframe&gt; 3");
    expect(html.match(/<meta /g)).toHaveLength(4); // charset, CSP, viewport, generator: the fake one is text
  });

  it("is self-contained: no script, no link, no external URL; a CSP forbids loading anything", () => {
    const html = renderHtmlReport(report([withSeries(), withSeries({ module: "b.wasm" })]), META);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|<object|<embed|@import|url\(/i);
    expect(html).not.toMatch(/https?:|\/\//);
    const hrefs = [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(["#strategy-0", "#strategy-1"]);
  });

  it("prints PnL exactly with its decimals, negative and large values included", () => {
    const cases: [number, number, string][] = [
      [-1234, 2, "-12.34"],
      [-5, 2, "-0.05"],
      [7, 0, "7"],
      [123456789, 4, "12345.6789"],
      [Number.MAX_SAFE_INTEGER, 9, "9007199.254740991"],
      [-Number.MAX_SAFE_INTEGER, 6, "-9007199254.740991"],
    ];
    for (const [pnl, pnlDecimals, text] of cases) {
      const html = renderHtmlReport(report([strategyReport({ pnl, pnlDecimals })]), META);
      expect(html).toContain(`data-col="pnl">${text}</td>`);
      expect(html).toContain(`<dt>pnl</dt><dd>${text}</dd>`);
    }
  });

  it("draws every series point: equity and drawdown vertices, position steps, one mark per fill", () => {
    const s = withSeries({}, 777);
    const html = renderHtmlReport(report([s], 777 * 20), META);
    const path = (cls: string) => {
      const m = new RegExp(`<path class="${cls}" data-n="(\\d+)" d="([^"]*)"`).exec(html);
      if (m === null) throw new Error(`no ${cls} path`);
      return { n: Number(m[1]), d: m[2] };
    };
    const equity = path("line equity");
    expect(equity.n).toBe(777);
    expect(equity.d.match(/[ML]/g)).toHaveLength(777);
    expect(path("line drawdown").d.match(/[ML]/g)).toHaveLength(777);
    expect(path("line position").d.match(/V/g)).toHaveLength(776);
    const figures = [...html.matchAll(/<figure class="chart" data-chart="fills" data-instrument="(\d+)" data-fills="(\d+)" data-buys="(\d+)" data-sells="(\d+)"/g)];
    expect(figures.map((m) => m.slice(1).map(Number))).toEqual([
      [0, 40, 26, 14],
      [1, 15, 10, 5],
    ]);
    const buys = [...html.matchAll(/<path class="marks buy" data-n="(\d+)" d="([^"]*)"/g)];
    expect(buys.map((m) => [Number(m[1]), m[2].match(/M/g)?.length ?? 0])).toEqual([[26, 26], [10, 10]]);
    // Without instrument decimals, fill prices are labelled in ticks; with them, as decimals.
    expect(html).toContain("price in ticks");
    const withDecimals = renderHtmlReport(report([s], 777 * 20), {
      ...META,
      instruments: [
        { id: 0, symbol: "SYN0", priceDecimals: 2, qtyDecimals: 0 },
        { id: 1, symbol: "SYN1", priceDecimals: 2, qtyDecimals: 0 },
      ],
    });
    expect(withDecimals).not.toContain("price in ticks");
    expect(withDecimals).toMatch(/>100\.\d\d<\/text>/);
  });

  it("summarises each strategy: counts, faults, max drawdown from the series, hashes", () => {
    const s = withSeries({ faults: [{ kind: "out_of_fuel", atEvent: 42, callback: "rf_on_market", fuelAtFault: 10_000_000, message: "all fuel consumed by WebAssembly" }] });
    const html = renderHtmlReport(report([s]), META);
    const row = /<tr data-strategy="0">(.*)<\/tr>/.exec(html)![1];
    const cell = (col: string) => new RegExp(`data-col="${col}">([^<]*)<`).exec(row)![1];
    expect([cell("orders"), cell("fills"), cell("rejects"), cell("cancels"), cell("faults"), cell("position"), cell("pnl"), cell("fuelUsed")]).toEqual(["12", "10", "2", "1", "1", "3", "-12.34", "123456"]);
    const pnl = s.series!.points.map((p) => p.pnl);
    let peak = -Infinity;
    let worst = 0;
    for (const v of pnl) {
      peak = Math.max(peak, v);
      worst = Math.max(worst, peak - v);
    }
    expect(cell("maxDrawdown")).toBe((worst / 100).toFixed(2));
    expect(row).toContain(`title="${s.auditHash}"`);
    expect(html).toContain("<li class=\"fault\"><b>out_of_fuel</b> at event 42 in rf_on_market (fuel 10000000): all fuel consumed by WebAssembly</li>");
  });

  it("says why a chart is empty: no series, no market events, no fills", () => {
    const none = renderHtmlReport(report([strategyReport()]), META);
    expect(none.match(/no series in this report \(run with seriesPoints\)<\/text>/g)).toHaveLength(4);
    const empty = renderHtmlReport(report([strategyReport({ series: { every: 1, points: [], fills: [], fillsDropped: 0 } })], 0), META);
    expect(empty.match(/>no market events</g)).toHaveLength(3);
    expect(empty).toContain(">no fills</text>");
    expect(renderHtmlReport(report([]), META)).toContain("<tbody>\n</tbody>");
  });

  it("is deterministic: the same report (or a copy) gives the same bytes, and nothing in it is a clock", () => {
    const r = report([withSeries(), withSeries({ module: "two.wasm", denials: { throttle: 1, maxQty: 2 } })]);
    const a = renderHtmlReport(r, META);
    expect(renderHtmlReport(structuredClone(r), { ...META })).toBe(a);
    expect(renderHtmlReport(r, META)).toBe(a);
    expect(a).not.toMatch(/20\d\d-\d\d-\d\d/);
    // Denials are listed in sorted order whatever the object's insertion order.
    const flipped = report([withSeries(), withSeries({ module: "two.wasm", denials: { maxQty: 2, throttle: 1 } })]);
    expect(renderHtmlReport(flipped, META)).toBe(a);
  });
});
