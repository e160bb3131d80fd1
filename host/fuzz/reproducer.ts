/**
 * Reproducers for violations: the offending module as `<seed>-<case>.wasm`
 * and a `.txt` beside it with the seed, the case, what it tries, every
 * invariant it broke and the command that replays it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { FoundViolation } from "./campaign.ts";

/**
 * Writes one pair of files per distinct offending module; returns the .wasm
 * path (relative to the working directory) for each violation that has one.
 * Throws the file system's error (the caller turns it into one line).
 */
export function writeReproducers(seed: number, violations: readonly FoundViolation[], outDir: string): Map<FoundViolation, string> {
  const out = new Map<FoundViolation, string>();
  const byFile = new Map<string, FoundViolation[]>();
  for (const v of violations) {
    if (v.bytes.length === 0 && v.caseName === "") continue; // a campaign-level failure, no module
    const id = v.index >= 0 ? String(v.index) : v.caseName.replace(/\.(wat|hex|mutate|wasm)$/, "").replace(/[^A-Za-z0-9_.-]/g, "_");
    const file = join(outDir, `${seed}-${id}.wasm`);
    byFile.set(file, [...(byFile.get(file) ?? []), v]);
    out.set(v, relative(process.cwd(), file) || file);
  }
  if (byFile.size === 0) return out;
  mkdirSync(outDir, { recursive: true });
  for (const [file, vs] of byFile) {
    const shown = relative(process.cwd(), file) || file;
    writeFileSync(file, vs[0].bytes);
    const lines = [
      `seed ${seed}, case ${vs[0].caseName}${vs[0].index >= 0 ? ` (case number ${vs[0].index})` : ""}, ${vs[0].origin}/${vs[0].generator}`,
      `tries: ${vs[0].tries}`,
      ...vs.map((v) => `broke ${v.invariant}: ${v.message}`),
      `replay: ringfence fuzz --replay ${shown}`,
    ];
    writeFileSync(file.replace(/\.wasm$/, ".txt"), lines.join("\n") + "\n");
  }
  return out;
}
