// A recorded session is sealed: SESSION/SHA256SUMS lists every other file's
// SHA-256 (sha256sum's format) and the session's digest, printed by
// `run --record`, is the SHA-256 of that list. Replay refuses any session
// whose files do not match their list, in one line naming the file, and
// `--expect-digest` refuses one whose list is not the one that was printed
// (an edit followed by a rewritten list).
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSeal, sealText } from "../../../host/replay/sessionSeal.ts";
import { hasStackTrace, runCli, type CliResult } from "../../support/cli.ts";
import { distPath } from "../../support/dist.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { reseal } from "../../support/session.ts";

const seed = testSeed("replay.sessionSeal");
const rand = prng(seed);
const root = mkdtempSync(join(tmpdir(), "rf-replay-seal-"));
const base = join(root, "base");
let digest = "";
let recordLine = "";
let copies = 0;

/** A copy of the base session, changed by `edit(dir)`. */
function changed(edit: (dir: string) => void): string {
  const dir = join(root, `s${++copies}`);
  cpSync(base, dir, { recursive: true });
  edit(dir);
  return dir;
}

/** Every file of the base session but the seal, relative to it. */
function sessionFiles(): string[] {
  return ["session.json", "feed.rfr", "host.audit", ...["modules", "strategies"].flatMap((d) => readdirSync(join(base, d)).map((f) => `${d}/${f}`))];
}

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");
const replay = (dir: string, ...flags: string[]) => runCli(["replay", dir, ...flags], { timeoutMs: 60_000 });

/** One line on stderr matching `pattern`, exit `code`, nothing replayed. */
function expectRefused(r: CliResult, pattern: RegExp, code = 1): void {
  expect(r.code, r.stderr).toBe(code);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(r.stderr).not.toMatch(/internal error|replay diverged/);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr.trim()).toMatch(pattern);
  expect(r.stdout).toBe("");
}

function editLabel(dir: string): void {
  const path = join(dir, "session.json");
  const meta = JSON.parse(readFileSync(path, "utf8"));
  meta.strategies[0].label = "someone-else";
  writeFileSync(path, JSON.stringify(meta, null, 1) + "\n");
}

beforeAll(() => {
  const r = runCli(["run", "--strategy", distPath("strategies/momentum.wasm"), "--strategy", distPath("strategies/mean-reversion.wasm"),
    "--events", "5000", "--rate", "0", "--workers", "1", "--lossless", "--json", "--record", base]);
  expect(r.code, r.stderr).toBe(0);
  digest = JSON.parse(r.stdout).session.digest;
  recordLine = r.stderr.split("\n").find((l) => l.startsWith("recorded session")) ?? "";
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("run --record seals the session", () => {
  it("prints the digest, which is the SHA-256 of SHA256SUMS, and the list is every other file's SHA-256 in sha256sum's format", () => {
    console.log(`seed ${seed}`);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(recordLine).toContain(`digest sha256:${digest}`);
    expect(recordLine).toContain(`--expect-digest ${digest}`);
    const text = readFileSync(join(base, "SHA256SUMS"), "latin1");
    expect(sha256(text)).toBe(digest);
    const files = sessionFiles();
    expect(text).toBe(sealText(files.map((path) => ({ path, sha256: sha256(readFileSync(join(base, path))) }))));
    expect(text.trim().split("\n")).toHaveLength(files.length);
  });

  it("sha256sum -c checks it with standard tools", () => {
    const r = spawnSync("sha256sum", ["--quiet", "-c", "SHA256SUMS"], { cwd: base, encoding: "utf8" });
    if (r.error) return console.log("sha256sum is not installed here: skipped the cross-check");
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it("replay says every file matches and prints the digest; --expect-digest with it (bare or sha256:) replays, exit 0", () => {
    const r = replay(base);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(`session ${base}: every file matches its SHA256SUMS, digest sha256:${digest}`);
    expect(r.stdout).toMatch(/^match  .*momentum\.wasm: /m);
    for (const given of [digest, `sha256:${digest}`, digest.toUpperCase()]) {
      const e = replay(base, "--expect-digest", given, "--json");
      expect(e.code, e.stderr).toBe(0);
      expect(JSON.parse(e.stdout)).toMatchObject({ ok: true, sessionDigest: digest });
    }
  });
});

describe("replay refuses a session that is not as sealed", () => {
  it("a relabelled strategy (once undetected: labels change no decision)", () => {
    expectRefused(replay(changed(editLabel)), /^ringfence: session '.*': session\.json does not match its SHA-256 in SHA256SUMS \(changed after the session was written\)$/);
  });

  it("a relabelled strategy whose list was rewritten to match: past the seal, but not the printed digest", () => {
    const dir = changed((d) => {
      editLabel(d);
      reseal(d);
    });
    expect(replay(dir).code).toBe(0);
    const r = replay(dir, "--expect-digest", digest);
    expectRefused(r, new RegExp(`^ringfence: replay: session '.*' has digest [0-9a-f]{64}, not ${digest}: it was changed after it was recorded, or it is another session$`));
  });

  it("one flipped bit in any file is named (seeded: a random file, byte and bit)", () => {
    const files = sessionFiles();
    for (let k = 0; k < 3; k++) {
      const rel = files[randInt(rand, 0, files.length - 1)];
      const dir = changed((d) => {
        const bytes = readFileSync(join(d, rel));
        bytes[randInt(rand, 0, bytes.length - 1)] ^= 1 << randInt(rand, 0, 7);
        writeFileSync(join(d, rel), bytes);
      });
      expectRefused(replay(dir), new RegExp(`^ringfence: session '.*': ${rel.replace(".", "\\.")} does not match its SHA-256 in SHA256SUMS`));
    }
  });

  it("a file added, or a listed file removed", () => {
    expectRefused(replay(changed((d) => writeFileSync(join(d, "strategies", "9.audit"), ""))), /^ringfence: session '.*': strategies\/9\.audit is not in SHA256SUMS \(added after the session was written\)$/);
    expectRefused(replay(changed((d) => rmSync(join(d, "host.audit")))), /^ringfence: session '.*': host\.audit, listed in SHA256SUMS, is missing$/);
  });

  it.each<[string, (text: string) => string, RegExp]>([
    ["empty", () => "", /it lists no file/],
    ["no final newline", (t) => t.slice(0, -1), /its last line is not terminated/],
    ["a line that is not '<sha256>  <path>'", (t) => t.replace("  ", " "), /line 1 is not '<sha256>  <path>'/],
    ["a path outside the session", (t) => t.replace("  feed.rfr", "  ../feed.rfr"), /names a path no session has/],
    ["lines out of order", (t) => {
      const lines = t.trim().split("\n");
      return [lines[1], lines[0], ...lines.slice(2)].join("\n") + "\n";
    }, /line 2: paths are not sorted and unique/],
  ])("a malformed SHA256SUMS (%s) is one line naming it", (_name, edit, pattern) => {
    const dir = changed((d) => writeFileSync(join(d, "SHA256SUMS"), edit(readFileSync(join(d, "SHA256SUMS"), "latin1"))));
    const r = replay(dir);
    expectRefused(r, /^ringfence: session '.*': SHA256SUMS is malformed: /);
    expect(r.stderr).toMatch(pattern);
  });

  it("parseSeal accepts exactly what sealText writes", () => {
    const files = [{ path: "b", sha256: "1".repeat(64) }, { path: "a/c.audit", sha256: "f".repeat(64) }];
    expect(parseSeal(sealText(files))).toEqual({ files: [files[1], files[0]] });
  });

  it("--expect-digest that is not 64 hex digits is a usage error (exit 2)", () => {
    expectRefused(replay(base, "--expect-digest", "abc"), /^ringfence: replay: --expect-digest must be the 64 hex digits/, 2);
  });
});

describe("a session written before seals", () => {
  it("a version 3 session (always written sealed) without its SHA256SUMS is refused: the seal was removed", () => {
    expectRefused(replay(changed((d) => rmSync(join(d, "SHA256SUMS")))), /^ringfence: session '.*': SHA256SUMS is missing \(a version 3 session is always written sealed\)$/);
  });

  it("version 2 (before seals) replays as before, said to be unsealed; --expect-digest on it is refused", () => {
    const dir = changed((d) => {
      rmSync(join(d, "SHA256SUMS"));
      const path = join(d, "session.json");
      writeFileSync(path, readFileSync(path, "utf8").replace(/"version": 3/, '"version": 2'));
    });
    const r = replay(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^session .*: unsealed \(no SHA256SUMS: written before sessions were sealed\)/);
    expect(JSON.parse(replay(dir, "--json").stdout).sessionDigest).toBeNull();
    expectRefused(replay(dir, "--expect-digest", digest), /^ringfence: replay: session '.*' has no SHA256SUMS/);
  });
});
