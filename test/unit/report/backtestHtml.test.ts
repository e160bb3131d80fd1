/**
 * `ringfence backtest … --html FILE`, run as a user runs it: the page is
 * written (through a temp file), the --json report is unchanged by --html,
 * and bad uses are one line.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStackTrace, runCli } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";

const dir = mkdtempSync(join(tmpdir(), "rf-backtest-html-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, "feed.rfr");
let strategyArgs: string[] = [];

beforeAll(() => {
  const r = runCli(["record", "synthetic", "--seed", "5", "--events", "8000", "--instruments", "2", "-o", data]);
  expect(r.code, r.stderr).toBe(0);
  strategyArgs = ["--strategy", distPath("strategies/momentum.wasm"), "--strategy", distPath("strategies/mean-reversion.wasm")];
});

describe("backtest --html", () => {
  it("writes a self-contained page and leaves the --json report exactly as without --html", () => {
    const page = join(dir, "report.html");
    const plain = runCli(["backtest", "--data", data, ...strategyArgs, "--json"]);
    const withHtml = runCli(["backtest", "--data", data, ...strategyArgs, "--json", "--html", page]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(withHtml.code, withHtml.stderr).toBe(0);
    expect(withHtml.stdout).toBe(plain.stdout);
    expect(JSON.parse(plain.stdout).strategies[0].series).toBeUndefined();
    const html = readFileSync(page, "utf8");
    expect(html.startsWith("<!doctype html>\n")).toBe(true);
    expect(html.match(/<section class="strategy"/g)).toHaveLength(2);
    expect(html.match(/<path class="line equity" data-n="2000"/g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|https?:/);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    // Same run, same page.
    const again = join(dir, "again.html");
    expect(runCli(["backtest", "--data", data, ...strategyArgs, "--html", again]).code).toBe(0);
    expect(readFileSync(again, "utf8")).toBe(html);
  });

  it("refuses --html with --workers or without a file (exit 2), and an unwritable path (exit 1), in one line", () => {
    const cases: [string[], number, RegExp][] = [
      [["--workers", "2", "--html", join(dir, "w.html")], 2, /backtest: --audit, --logs and --html need the in-process backtest \(omit --workers\)/],
      [["--html="], 2, /backtest: --html needs a value, got ''/],
      [["--html", join(dir, "no", "such", "r.html")], 1, /cannot write: directory '.*no\/such' does not exist/],
    ];
    for (const [extra, code, pattern] of cases) {
      const r = runCli(["backtest", "--data", data, ...strategyArgs, ...extra]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stdout).toBe("");
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
    expect(existsSync(join(dir, "w.html"))).toBe(false);
  });
});
