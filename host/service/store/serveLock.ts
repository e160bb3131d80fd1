/**
 * One server per data directory. The store itself may be opened by several
 * processes (`ringfence keys` writes keys while a server runs), but start-up
 * recovery — marking every deployment still "running" as interrupted,
 * re-queueing unfinished backtests — is only right when no other server
 * holds them: a second `serve` on a directory in use would have marked a
 * live deployment interrupted. So a server takes `serve.lock` (its pid,
 * linked into place atomically) before it touches anything, and removes it
 * on close. A lock whose process is gone (kill -9, a crash) is taken over;
 * two servers starting in the same instant over a stale lock are not
 * guarded against.
 */
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { errorLine } from "../../text/printable.ts";

export const SERVE_LOCK_FILE = "serve.lock";

/** Lock files this process holds. */
const heldHere = new Set<string>();

export interface ServeLock {
  release(): void;
}

/** Takes the directory's serve lock or throws one line naming the process that holds it. */
export function takeServeLock(dir: string): ServeLock {
  const path = join(dir, SERVE_LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    // Written aside and linked into place, so the lock never exists without its pid.
    const aside = `${path}.${process.pid}.${attempt}`;
    try {
      writeFileSync(aside, `${process.pid}\n`);
      linkSync(aside, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot create '${path}': ${errorLine(e)}`);
      const holder = lockHolder(path);
      // Our own pid is a stale lock from an earlier process that had it (a
      // container restarts with the same pid), unless this process holds it.
      const inUse = holder === process.pid ? heldHere.has(path) : holder !== null && isAlive(holder);
      if (inUse) {
        throw new Error(`the data directory '${dir}' is in use by another server (pid ${holder}); stop it first (or delete '${path}' if that pid is not a ringfence server)`);
      }
      try {
        unlinkSync(path); // stale: its server is gone
      } catch {
        // someone else removed it first; try again
      }
      continue;
    } finally {
      try {
        unlinkSync(aside);
      } catch {
        // not written
      }
    }
    heldHere.add(path);
    let released = false;
    return {
      release(): void {
        if (released) return;
        released = true;
        heldHere.delete(path);
        try {
          if (lockHolder(path) === process.pid) unlinkSync(path);
        } catch {
          // already gone
        }
      },
    };
  }
  throw new Error(`cannot take '${path}': another server is starting on the same data directory`);
}

function lockHolder(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
