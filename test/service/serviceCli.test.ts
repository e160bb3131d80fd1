/**
 * `ringfence keys` and `ringfence serve` as a person runs them: the key is
 * the last line and only its hash is stored; bad flags are one line with
 * exit 2; a port in use is one line with exit 1; never a stack trace.
 */
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync, closeSync } from "node:fs";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasStackTrace } from "../support/cli.ts";
import { createKeyCli, runServiceCli, serviceCli } from "./support/serviceProcess.ts";
import { repoRoot } from "../support/dist.ts";

const dataDir = mkdtempSync(join(tmpdir(), "rf-service-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("ringfence keys / serve", () => {
  it("keys create prints the key once, as the last line, and stores only its hash", async () => {
    const r = await runServiceCli(["keys", "create", "--data", dataDir, "--tenant", "acme", "--role", "quant"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const key = lines.at(-1)!;
    expect(key).toMatch(/^rfk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(lines[0]).toContain("quant key");
    const secret = key.split("_").slice(2).join("_");
    for (const f of readdirSync(dataDir)) expect(readFileSync(join(dataDir, f)).includes(Buffer.from(secret)), f).toBe(false);

    const listed = await runServiceCli(["keys", "list", "--data", dataDir]);
    expect(listed.stdout).toContain(key.slice(4, 20));
    expect(listed.stdout).not.toContain(secret);
    const revoked = await runServiceCli(["keys", "revoke", "--data", dataDir, key.slice(4, 20)]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked key ${key.slice(4, 20)}\n` });
  });

  it("refuses bad flags with one line and exit 2, a missing store with exit 1", async () => {
    for (const args of [
      ["keys", "create", "--data", dataDir, "--tenant", "acme", "--role", "root"],
      ["keys", "create", "--data", dataDir, "--tenant", "../etc", "--role", "quant"],
      ["keys", "create", "--data", dataDir, "--role", "quant"],
      ["keys", "frobnicate"],
      ["keys", "revoke", "--data", dataDir, "nope"],
      ["serve", "--port", "99999"],
      ["serve", "--bogus"],
    ]) {
      const r = await runServiceCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(/^ringfence: /);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    const missing = await runServiceCli(["keys", "list", "--data", join(dataDir, "nothing-here")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ringfence: keys list: no service store at /);
  });

  it("serve on a port in use is one line, exit 1", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runServiceCli(["serve", "--port", String(port), "--data", dataDir]);
      expect(r.code).toBe(1);
      expect(r.stderr.trimEnd()).toBe(`ringfence: serve: cannot listen on 127.0.0.1:${port}: the address is in use (choose another --port)`);
    } finally {
      blocker.close();
    }
  });

  it.runIf(process.platform === "linux")("two servers started at once over a stale serve.lock: exactly one serves, the other is one line, exit 1", async () => {
    const dir = join(dataDir, "race");
    mkdirSync(dir);
    await createKeyCli(dir, "acme", "quant");
    // A pid no process has, as after a kill -9: both see a lock to take over.
    writeFileSync(join(dir, "serve.lock"), "99999999\n");
    const cli = await serviceCli();
    const servers = [0, 1].map(() => {
      const child = spawn(process.execPath, [cli, "serve", "--port", "0", "--data", dir], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      // Either it serves (prints its address) or it exits first.
      const outcome = new Promise<"serving" | "exited">((resolve) => {
        child.stdout!.on("data", (d: Buffer) => {
          stdout += d.toString("utf8");
          if (stdout.includes("listening on")) resolve("serving");
        });
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
        void exited.then(() => resolve("exited"));
      });
      return { child, exited, outcome, out: () => ({ stdout, stderr }) };
    });
    try {
      const outcomes = await Promise.all(servers.map((s) => s.outcome));
      expect([...outcomes].sort(), JSON.stringify(servers.map((s) => s.out()))).toEqual(["exited", "serving"]);
      const winner = servers[outcomes.indexOf("serving")];
      const loser = servers[outcomes.indexOf("exited")];
      expect(await loser.exited).toBe(1);
      const { stderr } = loser.out();
      expect(stderr).toMatch(new RegExp(`^ringfence: serve: the data directory '.*race' is in use by another server \\((pid ${winner.child.pid}|starting up)\\); stop it first\n$`));
      expect(hasStackTrace(stderr)).toBe(false);
      expect(readFileSync(join(dir, "serve.lock"), "utf8")).toBe(`${winner.child.pid}\n`);
      winner.child.kill("SIGTERM");
      expect(await winner.exited).toBe(0);
    } finally {
      for (const s of servers) s.child.kill("SIGKILL");
    }
  });

  describe("a damaged data.mdb is one line with exit 1, never a crash", () => {
    /** Deterministic garbage (an LCG), so a failure reproduces. */
    const garbage = (n: number, seed: number): Buffer => {
      const b = Buffer.alloc(n);
      let x = seed >>> 0;
      for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        b[i] = x >>> 24;
      }
      return b;
    };
    const overwrite = (file: string, at: number, bytes: Buffer): void => {
      const fd = openSync(file, "r+");
      try {
        writeSync(fd, bytes, 0, bytes.length, at);
      } finally {
        closeSync(fd);
      }
    };
    // Sizes in pages of the store's own page size (mm_psize, the u32 at byte 48 of meta page 0 in a 64-bit LMDB).
    const damages: [string, (file: string, page: number) => void, (page: number) => RegExp][] = [
      ["its start overwritten", (f, p) => overwrite(f, 0, garbage(p, 1)), () => /data\.mdb has no LMDB magic in meta page 0/],
      ["replaced by one page of garbage", (f, p) => writeFileSync(f, garbage(p, 2)), () => /data\.mdb has no LMDB magic in meta page 0/],
      ["zero-length", (f) => writeFileSync(f, ""), () => /data\.mdb is empty \(0 bytes\)/],
      ["cut to its first page", (f, p) => truncateSync(f, p), (p) => new RegExp(`data\\.mdb is truncated \\(${p} bytes, shorter than its two ${p}-byte meta pages\\)`)],
      ["cut to 100 bytes", (f) => truncateSync(f, 100), () => /data\.mdb is truncated \(100 bytes/],
      ["its second meta page overwritten", (f, p) => overwrite(f, p, garbage(p, 3)), () => /data\.mdb has no LMDB magic in meta page 1/],
      ["cut mid-page", (f, p) => truncateSync(f, 3 * p + 100), (p) => new RegExp(`data\\.mdb is truncated or padded \\(${3 * p + 100} bytes, not a multiple of its ${p}-byte page size\\)`)],
      ["cut at a page boundary before its root pages", (f, p) => truncateSync(f, 3 * p), () => /data\.mdb is truncated \(meta page \d names page \d+, the file has 3 pages\)/],
    ];
    let n = 0;
    it.each(damages)("data.mdb %s", async (_what, damage, problem) => {
      const dir = join(dataDir, `damaged-${n++}`);
      mkdirSync(dir);
      await createKeyCli(dir, "acme", "quant");
      // Keys and audit entries spread the store over more pages than the cuts above keep.
      for (let i = 0; i < 3; i++) await createKeyCli(dir, `t${i}`, "risk");
      const file = join(dir, "data.mdb");
      const page = readFileSync(file).readUInt32LE(48);
      expect(readFileSync(file).length).toBeGreaterThan(3 * page);
      damage(file, page);
      for (const args of [["keys", "list", "--data", dir], ["keys", "create", "--data", dir, "--tenant", "acme", "--role", "quant"]]) {
        const r = await runServiceCli(args);
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(1);
        expect(hasStackTrace(r.stderr)).toBe(false);
        expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
        expect(r.stderr.trimEnd()).toMatch(new RegExp(`^ringfence: keys: the service store '${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}' is damaged: `));
        expect(r.stderr.trimEnd()).toMatch(problem(page));
        expect(r.stderr.trimEnd()).toMatch(/ \(restore it from a backup\)$/);
      }
    });

    it("serve on a damaged store is one line, exit 1", async () => {
      const dir = join(dataDir, "damaged-serve");
      mkdirSync(dir);
      await createKeyCli(dir, "acme", "quant");
      overwrite(join(dir, "data.mdb"), 0, garbage(readFileSync(join(dir, "data.mdb")).readUInt32LE(48), 1));
      const r = await runServiceCli(["serve", "--port", "0", "--data", dir]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trimEnd()).toBe(`ringfence: serve: the service store '${dir}' is damaged: data.mdb has no LMDB magic in meta page 0 (restore it from a backup)`);
    });

    it("a sound store still opens after the checks (and after lmdb grew it)", async () => {
      const dir = join(dataDir, "sound");
      mkdirSync(dir);
      for (let i = 0; i < 20; i++) await createKeyCli(dir, `t${i}`, "quant");
      const r = await runServiceCli(["keys", "list", "--data", dir, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).keys).toHaveLength(20);
    });
  });
});
