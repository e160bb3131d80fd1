// A named pipe given where a file is expected: one line, exit 1, at once.
// Opened plainly, a FIFO blocks its reader until something writes to it,
// so these commands used to hang before their "regular file" check ran.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStackTrace, runCli } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";

let dir: string;
let fifo: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rf-fifo-"));
  fifo = join(dir, "pipe");
  execFileSync("mkfifo", [fifo]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a FIFO as an input file", () => {
  it.each([
    ["inspect", () => ["inspect", fifo]],
    ["backtest --data", () => ["backtest", "--data", fifo, "--strategy", distPath("strategies/momentum.wasm")]],
    ["run --feed", () => ["run", "--feed", fifo, "--strategy", distPath("strategies/momentum.wasm"), "--json"]],
    ["record csv", () => ["record", "csv", fifo, "--format", "trades", "-o", join(dir, "out.rfr")]],
  ])("%s: one line naming it, exit 1, no hang", (_name, args) => {
    const r = runCli(args(), { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/pipe' is not a regular file/);
  });
});
