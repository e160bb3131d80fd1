import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Path of a built file under dist/ (built by test/globalSetup.ts); a clear error if missing. */
export function distPath(rel: string): string {
  const p = join(repoRoot, "dist", rel);
  if (!existsSync(p)) throw new Error(`${p} is missing: the build in test/globalSetup.ts failed (run 'npm run build' to see why)`);
  return p;
}
