/**
 * Where the built worker scripts are. Node cannot start a .ts worker, so
 * scripts/build.mjs bundles host/**\/*.worker.ts into dist/<name>.mjs and
 * bench/**\/*.worker.ts into dist/bench/<name>.mjs. Found by walking up from
 * this module, which works both from source (vitest) and from the bundled
 * CLI chunk in dist/chunks/ (same approach as host/cli/commands/run.ts).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** `rel` is relative to dist/, e.g. "strategyWorker.worker.mjs" or "bench/floor.worker.mjs". */
export function distScriptPath(rel: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const p of [join(dir, rel), join(dir, "dist", rel)]) if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error(`dist/${rel} is not built: run 'npm run build' first`);
}

export function benchWorkerPath(name: string): string {
  return distScriptPath(`bench/${name}.worker.mjs`);
}
