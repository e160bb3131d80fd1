// An output path that is not a regular file: a FIFO, a symlink (to a file
// or to /dev/null). Every command that writes a file refuses it in one line,
// exit 1, at once, and leaves it as it was. Outputs are written to a
// temporary file renamed over their path, so before this a FIFO or a device
// node became a plain file (`-o /dev/full`, run as root, replaced the
// system's device) and a symlink was replaced by a file; `instrument` and
// `build`, which wrote straight to the path, hung on a FIFO.
import { execFileSync } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStackTrace, runCli } from "../../support/cli.ts";
import { distPath, repoRoot } from "../../support/dist.ts";

let dir: string;
let data: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rf-outputs-"));
  data = join(dir, "feed.rfr");
  expect(runCli(["record", "synthetic", "--seed", "5", "--events", "2000", "-o", data]).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const momentum = () => distPath("strategies/momentum.wasm");

/** Commands writing `out` (each must refuse it whole). */
const WRITERS: [string, (out: string) => string[]][] = [
  ["record synthetic -o", (out) => ["record", "synthetic", "--seed", "1", "--events", "10", "-o", out]],
  ["instrument -o", (out) => ["instrument", momentum(), "-o", out]],
  ["build -o", (out) => ["build", join(repoRoot, "strategies", "momentum", "strategy.ts"), "-o", out]],
  ["backtest --audit", (out) => ["backtest", "--data", data, "--strategy", momentum(), "--audit", out]],
  ["backtest --html", (out) => ["backtest", "--data", data, "--strategy", momentum(), "--html", out]],
  ["sweep --html", (out) => ["sweep", "--data", data, "--strategy", momentum(), "--param", "fast_period=4,8", "--html", out]],
];

/** What a path is, to check it was left alone. */
function describePath(p: string): string {
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return `link -> ${readlinkSync(p)}`;
  if (st.isFIFO()) return "fifo";
  return `file ${readFileSync(p, "utf8")}`;
}

const KINDS: [string, RegExp, (p: string) => void][] = [
  ["a FIFO", /cannot write: it is a FIFO/, (p) => execFileSync("mkfifo", [p])],
  ["a symlink to a file", /cannot write: it is a symbolic link/, (p) => {
    writeFileSync(`${p}.target`, "keep me");
    symlinkSync(`${p}.target`, p);
  }],
  ["a symlink to /dev/null", /cannot write: it is a symbolic link/, (p) => symlinkSync("/dev/null", p)],
];

describe("an output path that is not a regular file", () => {
  let n = 0;
  for (const [kind, message, make] of KINDS) {
    it.each(WRITERS)(`${kind} as %s: one line, exit 1, left as it was`, (_name, args) => {
      // build insists on .wasm, the others take any name.
      const out = join(dir, `out${++n}.wasm`);
      make(out);
      const before = describePath(out);
      const r = runCli(args(out), { timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(1);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(describePath(out)).toBe(before);
      if (before.startsWith("link") && !before.endsWith("/dev/null")) expect(readFileSync(`${out}.target`, "utf8")).toBe("keep me");
    });
  }

  it("build says so before it compiles: a source that would outrun --timeout 1 still gets the output's line", () => {
    const slow = join(dir, "slow.ts");
    writeFileSync(slow, 'export * from "ringfence/exports";\nlet g: i32 = 0;\nexport function rf_start(): void {\n'
      + Array.from({ length: 50_000 }, (_, i) => `  g = g * 3 + ${i};\n`).join("") + "}\n");
    const out = join(dir, "early.wasm");
    execFileSync("mkfifo", [out]);
    const r = runCli(["build", slow, "-o", out, "--timeout", "1"], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim()).toMatch(/^ringfence: build: -o '.*early\.wasm': cannot write: it is a FIFO/);
  });

  it("a regular file is still replaced whole (the refusal is only for what is not one)", () => {
    const out = join(dir, "plain.wasm");
    writeFileSync(out, "old");
    const r = runCli(["instrument", momentum(), "-o", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
  });
});
