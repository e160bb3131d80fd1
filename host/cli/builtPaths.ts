/**
 * Paths of built artefacts next to the bundled CLI (dist/cli.mjs and
 * dist/chunks/*.mjs): worker scripts and the example strategies. One clear
 * line when the build is missing.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "./errors.ts";

function findInDist(rel: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const here = join(dir, rel);
    if (existsSync(join(dir, "cli.mjs")) && existsSync(here)) return here;
    const dist = join(dir, "dist", rel);
    if (existsSync(dist)) return dist;
    dir = dirname(dir);
  }
  return null;
}

/** Any built file under dist/, or a one-line error naming `what`. */
export function findBuilt(rel: string, what: string): string {
  const p = findInDist(rel);
  if (p === null) throw new InputError(`${what} is not built: run 'npm run build' first`);
  return p;
}

/** dist/strategyWorker.worker.mjs */
export function workerScriptPath(): string {
  const p = findInDist("strategyWorker.worker.mjs");
  if (p === null) throw new InputError("the strategy worker is not built: run 'npm run build' first");
  return p;
}

/** dist/strategies (built by `npm ci` / `npm run build`). */
export function exampleStrategyDir(): string {
  const p = findInDist("strategies");
  if (p === null) throw new InputError("example strategies are not built: run 'npm run build' first");
  return p;
}
