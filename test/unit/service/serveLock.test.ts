/**
 * The serve lock (host/service/store/serveLock.ts): held by the kernel (an
 * abstract socket named after the data directory), so a stale serve.lock is
 * no way in, and of takeovers raced in one instant exactly one wins.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SERVE_LOCK_FILE, takeServeLock, type ServeLock } from "../../../host/service/store/serveLock.ts";

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
});
