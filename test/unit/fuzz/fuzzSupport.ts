/**
 * Shared by the fuzz tests: the example strategies (built into dist/ by
 * test/globalSetup.ts), one fuzz environment per test file, the corpus.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadCorpus } from "../../../host/fuzz/corpus.ts";
import type { FuzzCase } from "../../../host/fuzz/fuzzCase.ts";
import { createFuzzEnvironment, type ExampleModule, type FuzzEnvironment } from "../../../host/fuzz/fuzzEnvironment.ts";
import { distPath, repoRoot } from "../../support/dist.ts";

export const EXAMPLE_NAMES = ["market-maker", "mean-reversion", "momentum"] as const;
export const CORPUS_DIR = join(repoRoot, "test", "fuzz", "corpus");

export function examples(): ExampleModule[] {
  return EXAMPLE_NAMES.map((name) => ({ name, bytes: new Uint8Array(readFileSync(distPath(`strategies/${name}.wasm`))) }));
}

let env: FuzzEnvironment | null = null;
export function fuzzEnv(): FuzzEnvironment {
  env ??= createFuzzEnvironment({ examples: examples() });
  return env;
}

export function corpus(): FuzzCase[] {
  const ex = new Map(examples().map((e) => [e.name, e.bytes]));
  return loadCorpus(CORPUS_DIR, (n) => ex.get(n), EXAMPLE_NAMES.length);
}

export function fuzzWorkerScript(): string {
  return distPath("fuzzWorker.worker.mjs");
}
