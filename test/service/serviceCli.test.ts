/**
 * `ringfence keys` and `ringfence serve` as a person runs them: the key is
 * the last line and only its hash is stored; bad flags are one line with
 * exit 2; a port in use is one line with exit 1; never a stack trace.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasStackTrace } from "../support/cli.ts";
import { runServiceCli } from "./support/serviceProcess.ts";

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
});
