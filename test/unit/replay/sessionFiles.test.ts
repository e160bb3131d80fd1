// `ringfence replay SESSION` on a session one of whose files is not a file:
// a symlink to /dev/zero (endless), a FIFO (blocks its reader forever), a
// directory, a symlink loop. Each is one line naming the file, exit 1 —
// never a hang or a process that reads until memory runs out.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasStackTrace, runCli } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";
import { reseal } from "../../support/session.ts";

const root = mkdtempSync(join(tmpdir(), "rf-replay-files-"));
const base = join(root, "base");
let copies = 0;

/** A copy of the base session with `rel` replaced by `make(path)`. */
function replaced(rel: string, make: (path: string) => void): string {
  const dir = join(root, `s${++copies}`);
  cpSync(base, dir, { recursive: true });
  rmSync(join(dir, rel));
  make(join(dir, rel));
  return dir;
}

/** Every file of the base session, relative to it (session.json, feed.rfr, host.audit, modules/…, strategies/…). */
function sessionFiles(): string[] {
  return ["session.json", "feed.rfr", "host.audit", ...["modules", "strategies"].flatMap((d) => readdirSync(join(base, d)).map((f) => `${d}/${f}`))];
}

beforeAll(() => {
  const r = runCli(["run", "--strategy", distPath("strategies/momentum.wasm"), "--events", "2000", "--rate", "0", "--workers", "1", "--lossless", "--json", "--record", base]);
  expect(r.code, r.stderr).toBe(0);
  expect(runCli(["replay", base]).code).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const KINDS: [string, (path: string) => void][] = [
  ["a symlink to /dev/zero", (p) => symlinkSync("/dev/zero", p)],
  ["a FIFO", (p) => expect(spawnSync("mkfifo", [p]).status).toBe(0)],
  ["a directory", (p) => mkdirSync(p)],
  ["a symlink loop", (p) => symlinkSync(p, p)],
];

describe("replay refuses a session file that is not a regular file", () => {
  it.each(KINDS)("%s in place of each file: one line naming it, exit 1", (_kind, make) => {
    for (const rel of sessionFiles()) {
      // A deadline: a replay that reads forever must fail the test, not hang it.
      const r = runCli(["replay", replaced(rel, make)], { timeoutMs: 20_000 });
      expect(r.code, `${rel}: ${r.stderr}`).toBe(1);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stderr.trim().split("\n"), rel).toHaveLength(1);
      expect(r.stderr, rel).toContain(rel.split("/").at(-1)!);
    }
  }, 120_000);
});

describe("replay on a capture file over 2 GiB", () => {
  it("reads it streaming rather than refuse it for its size: a sparse one is broken at its first entry", () => {
    // Sparse: 2.2 GB long, next to nothing on disk; the real file and chain header, then zeros.
    const dir = replaced("strategies/0.audit", (p) => {
      const real = readFileSync(join(base, "strategies", "0.audit"));
      const labelBytes = real.readUInt32LE(16);
      writeFileSync(p, real.subarray(0, 16 + 4 + labelBytes + 8));
      truncateSync(p, 2_200_000_000);
    });
    reseal(dir);
    const r = runCli(["replay", dir], { timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr.trim()).toMatch(/^ringfence: session '.*': strategies\/0\.audit: audit chain 'strategy:[0-9a-f]{64}' broken at entry 0: entry length 0 is outside \d+\.\.\d+$/);
  });
});
