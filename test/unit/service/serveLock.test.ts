/**
 * The serve lock (host/service/store/serveLock.ts): held by the kernel (an
 * abstract socket named from the data directory's secret key), so a stale
 * serve.lock is no way in, of takeovers raced in one instant exactly one
 * wins, and neither another path to the directory nor a name bound first
 * by someone who can only see the path gets around it.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SERVE_LOCK_FILE, SERVE_LOCK_KEY_FILE, takeServeLock, type ServeLock } from "../../../host/service/store/serveLock.ts";

const root = mkdtempSync(join(tmpdir(), "rf-serve-lock-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A pid no process has (beyond the kernel's pid_max), as after a kill -9. */
const DEAD_PID = "99999999\n";
const REFUSED = /^the data directory '.*' is in use by another server \((pid \d+|starting up)\); stop it first/;

function freshDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
}

async function outcomes(takes: Promise<ServeLock>[]): Promise<{ won: ServeLock[]; refused: string[] }> {
  const settled = await Promise.allSettled(takes);
  return {
    won: settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : [])),
    refused: settled.flatMap((s) => (s.status === "rejected" ? [(s.reason as Error).message] : [])),
  };
}

describe.runIf(process.platform === "linux")("serve lock", () => {
  it("takeovers of a stale lock raced in the same tick: exactly one wins, the others are one line", async () => {
    const dir = freshDir("race");
    writeFileSync(join(dir, SERVE_LOCK_FILE), DEAD_PID);
    const { won, refused } = await outcomes([0, 1, 2, 3].map(() => takeServeLock(dir)));
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(3);
    for (const m of refused) {
      expect(m).toMatch(REFUSED);
      expect(m).not.toContain("\n");
    }
    expect(readFileSync(join(dir, SERVE_LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    await won[0].release();
    expect(existsSync(join(dir, SERVE_LOCK_FILE))).toBe(false);
    await (await takeServeLock(dir)).release();
  });

  it("a held lock stays held when its file is replaced by a dead pid (what a racing takeover did) or deleted", async () => {
    const dir = freshDir("replaced");
    const held = await takeServeLock(dir);
    writeFileSync(join(dir, SERVE_LOCK_FILE), DEAD_PID);
    await expect(takeServeLock(dir)).rejects.toThrow(REFUSED);
    rmSync(join(dir, SERVE_LOCK_FILE));
    await expect(takeServeLock(dir)).rejects.toThrow(REFUSED);
    await held.release();
    await held.release(); // idempotent
    await (await takeServeLock(dir)).release();
  });

  it("is the directory's, not its spelling's: a symlink to a held directory is refused too", async () => {
    const dir = freshDir("real");
    const link = join(root, "link");
    symlinkSync(dir, link);
    const held = await takeServeLock(dir);
    await expect(takeServeLock(link)).rejects.toThrow(/^the data directory '.*link' is in use by another server \(pid \d+\)/);
    await expect(takeServeLock(join(dir, "."))).rejects.toThrow(REFUSED);
    await held.release();
  });

  it("is named from the directory's own secret key (0600, made once), not from its path: binding the path's name first does not block it", async () => {
    const dir = freshDir("keyed");
    // What an unprivileged user could compute from the path alone and bind first (the earlier naming).
    const squat = createServer();
    await new Promise<void>((resolve) => squat.listen({ path: `\0ringfence-serve-${createHash("sha256").update(realpathSync(dir)).digest("hex").slice(0, 32)}` }, () => resolve()));
    try {
      const held = await takeServeLock(dir);
      const key = readFileSync(join(dir, SERVE_LOCK_KEY_FILE), "utf8");
      expect(key).toMatch(/^[0-9a-f]{64}\n$/);
      expect(statSync(join(dir, SERVE_LOCK_KEY_FILE)).mode & 0o777).toBe(0o600);
      await held.release();
      await (await takeServeLock(dir)).release();
      expect(readFileSync(join(dir, SERVE_LOCK_KEY_FILE), "utf8")).toBe(key);
    } finally {
      await new Promise((r) => squat.close(r));
    }
  });

  it("a key file that is not a key is one line, not a lock by another name", async () => {
    const dir = freshDir("badkey");
    writeFileSync(join(dir, SERVE_LOCK_KEY_FILE), "not a key\n");
    await expect(takeServeLock(dir)).rejects.toThrow(/^cannot take the serve lock of '.*': '.*serve\.lock\.key' is not a lock key \(64 hex digits\); remove it while no server runs on/);
  });

  // Needs root and a mount namespace that allows it (skipped, and said, elsewhere).
  const canBindMount = (() => {
    if (process.getuid?.() !== 0) return false;
    const a = mkdtempSync(join(tmpdir(), "rf-bind-probe-"));
    const b = mkdtempSync(join(tmpdir(), "rf-bind-probe-"));
    const ok = spawnSync("mount", ["--bind", a, b]).status === 0;
    if (ok) spawnSync("umount", [b]);
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
    return ok;
  })();
  it.runIf(canBindMount)("the same directory through a bind mount (another realpath) is refused while held", async () => {
    const dir = freshDir("bound");
    const other = freshDir("bound-view");
    expect(spawnSync("mount", ["--bind", dir, other]).status).toBe(0);
    try {
      const held = await takeServeLock(dir);
      await expect(takeServeLock(other)).rejects.toThrow(REFUSED);
      await held.release();
    } finally {
      spawnSync("umount", [other]);
    }
  });
  if (!canBindMount) it("bind mounts: not tried here (needs root and mount)", () => console.log("skipped the bind-mount case: no root or no mount here"));
});
