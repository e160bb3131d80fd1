/**
 * One server per data directory. The store itself may be opened by several
 * processes (`ringfence keys` writes keys while a server runs), but start-up
 * recovery — marking every deployment still "running" as interrupted,
 * re-queueing unfinished backtests — is only right when no other server
 * holds them: a second `serve` on a directory in use would have marked a
 * live deployment interrupted. So a server takes the directory's lock
 * before it touches anything, and lets it go on close.
 *
 * On Linux the lock is an abstract-namespace Unix socket whose name is
 * derived from a random key kept in the directory (`serve.lock.key`, mode
 * 0600, made once, atomically): `\0ringfence-serve-<sha256(key)>`. Not from
 * the directory's path: the same directory through a bind mount has
 * another realpath, and a path anyone can hash gives a name anyone can
 * bind first (abstract names have no permissions) to keep `serve` from
 * starting. Only who can read the data directory can name its lock. The
 * kernel holds the name for the process and frees it when the process dies,
 * however it dies: there is no stale lock to take over, and of two servers
 * starting in the same instant bind() lets exactly one through. (A pid file
 * cannot do that: "its process is gone, so remove it and link mine" is two
 * steps, and a second server between them removed the first one's fresh
 * lock.) Abstract names belong to the network namespace: servers in two
 * containers with a shared data directory do not see each other's — nor
 * could they check each other's pids.
 *
 * `serve.lock` still names the holder's pid, for people and for the line a
 * second server prints: written (aside, then renamed into place) once the
 * socket is held, removed on close. On Linux it decides nothing. Elsewhere
 * (no abstract sockets) the file is the lock: linked into place atomically,
 * taken over when its process is gone; there, two servers starting in the
 * same instant over a stale lock are not guarded against.
 */
import { createHash, randomBytes } from "node:crypto";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { errorLine } from "../../text/printable.ts";

export const SERVE_LOCK_FILE = "serve.lock";

/** Lock files this process holds (the file lock only: a socket held here refuses a second bind by itself). */
const heldHere = new Set<string>();

export interface ServeLock {
  /** Lets the lock go; resolves once another server could take it. Idempotent. */
  release(): Promise<void>;
}

export const SERVE_LOCK_KEY_FILE = "serve.lock.key";

/** The abstract socket name of a data directory whose lock key is `key` (hashed: the name is at most 107 bytes). */
export function serveLockSocketName(key: string): string {
  return `\0ringfence-serve-${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/**
 * The directory's lock key, made on first use: written aside and linked
 * into place, so of two servers making it at once one link wins and both
 * read the winner's key.
 */
function lockKey(dir: string): string {
  const path = join(dir, SERVE_LOCK_KEY_FILE);
  const read = (): string | null => {
    try {
      const key = readFileSync(path, "utf8").trim();
      return /^[0-9a-f]{64}$/.test(key) ? key : null;
    } catch {
      return null;
    }
  };
  const existing = read();
  if (existing !== null) return existing;
  const aside = `${path}.${process.pid}`;
  try {
    writeFileSync(aside, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
    try {
      linkSync(aside, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      // not written
    }
  }
  const key = read();
  if (key === null) throw new Error(`'${path}' is not a lock key (64 hex digits); remove it while no server runs on '${dir}'`);
  return key;
}

/** Takes the directory's serve lock or rejects with one line naming the process that holds it. */
export async function takeServeLock(dir: string): Promise<ServeLock> {
  const path = join(dir, SERVE_LOCK_FILE);
  if (process.platform !== "linux") return takeFileLock(dir, path);
  let key: string;
  try {
    key = lockKey(dir);
  } catch (e) {
    throw new Error(`cannot take the serve lock of '${dir}': ${errorLine(e)}`);
  }
  const socket = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.listen({ path: serveLockSocketName(key) }, () => {
        socket.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw new Error(`cannot take the serve lock of '${dir}': ${errorLine(e)}`);
    // The holder may not have written its pid yet (or a dead server's is still there).
    const holder = lockHolder(path);
    const who = holder !== null && isAlive(holder) ? `pid ${holder}` : "starting up";
    throw new Error(`the data directory '${dir}' is in use by another server (${who}); stop it first`);
  }
  // Nothing connects to it; it must not keep a process alive that is otherwise done.
  socket.on("connection", (c) => c.destroy());
  socket.unref();
  try {
    // A pid left by a server that died is simply replaced: the socket says it is gone.
    const aside = `${path}.${process.pid}`;
    writeFileSync(aside, `${process.pid}\n`);
    renameSync(aside, path);
  } catch (e) {
    await closeSocket(socket);
    throw new Error(`cannot create '${path}': ${errorLine(e)}`);
  }
  let released: Promise<void> | null = null;
  return {
    release: () => (released ??= (async () => {
      removeIfMine(path);
      await closeSocket(socket);
    })()),
  };
}

function closeSocket(socket: Server): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

function removeIfMine(path: string): void {
  try {
    if (lockHolder(path) === process.pid) unlinkSync(path);
  } catch {
    // already gone
  }
}

/** The lock where there are no abstract sockets: the pid file itself (see the module comment for its race). */
function takeFileLock(dir: string, path: string): ServeLock {
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
      release: async () => {
        if (released) return;
        released = true;
        heldHere.delete(path);
        removeIfMine(path);
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
