/**
 * `ringfence fuzz [--seconds N] [--seed S] [--json]`: isolation fuzzing.
 * Runs the hostile corpus (test/fuzz/corpus), then generated (-ttf and
 * scripted) and mutated modules until the time budget is spent, checking
 * every invariant of docs/fuzzing.md on every case.
 *
 * Exit 0 when no invariant broke (violations of corpus cases marked
 * `known-bug` are printed but do not fail the run); 1 on a violation, after writing each
 * offending module to --out (default ./fuzz-failures/<seed>-<case>.wasm,
 * with a .txt beside it saying what broke) and printing one line per
 * violation; 2 on usage errors.
 *
 *   --seconds N        time budget, default 60 (the corpus always runs to the end)
 *   --seed S           campaign seed, default from the clock (always printed)
 *   --json             one object on stdout: {"seed","cases","corpus","generated","mutated","violations":[...], ...}
 *   --workers N        worker threads, default 2
 *   --corpus DIR       the corpus, default test/fuzz/corpus of this checkout
 *   --out DIR          where reproducers go, default ./fuzz-failures
 *   --replay FILE      run one module (a reproducer) through every invariant, nothing else
 *   --max-cases N      stop generating after N cases
 *   --no-ttf           skip the wasm-opt generator (faster start, less coverage)
 *   --case-timeout MS  a case slower than this hung its host, default 20000
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_ADMISSION_LIMITS } from "../../admission/limits.ts";
import { describeResult, describeViolation, runCampaign, type CampaignSummary, type FoundViolation } from "../../fuzz/campaign.ts";
import { loadCorpus } from "../../fuzz/corpus.ts";
import { baseCase } from "../../fuzz/fuzzCase.ts";
import { DEFAULT_FUZZ_FEED } from "../../fuzz/fuzzEnvironment.ts";
import { writeReproducers } from "../../fuzz/reproducer.ts";
import { errorLine } from "../../text/printable.ts";
import { intFlag, parseFlags } from "../args.ts";
import { exampleStrategyDir } from "../builtPaths.ts";
import { InputError, UsageError } from "../errors.ts";
import { readInputFile } from "../files.ts";

const COMMAND = "fuzz";
const DEFAULT_SECONDS = 60;

export async function run(argv: string[]): Promise<number> {
  const values = parseFlags(COMMAND, argv, {
    seconds: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
    workers: { type: "string" },
    corpus: { type: "string" },
    out: { type: "string" },
    replay: { type: "string" },
    "max-cases": { type: "string" },
    "no-ttf": { type: "boolean" },
    "case-timeout": { type: "string" },
  });
  const seconds = intFlag(COMMAND, "seconds", values.seconds, DEFAULT_SECONDS);
  // The clock only picks the seed; the seed is printed, and everything after it is a function of it.
  const seed = intFlag(COMMAND, "seed", values.seed, (Date.now() ^ (process.pid << 12)) >>> 0);
  const workers = intFlag(COMMAND, "workers", values.workers, 2, 1);
  if (workers > 64) throw new UsageError(`${COMMAND}: --workers must be ≤ 64`);
  const maxCases = values["max-cases"] === undefined ? undefined : intFlag(COMMAND, "max-cases", values["max-cases"], 0);
  const caseTimeoutMs = intFlag(COMMAND, "case-timeout", values["case-timeout"], 20_000, 100);
  const outDir = values.out ?? "fuzz-failures";

  const exampleDir = exampleStrategyDir();
  const examples = readdirSync(exampleDir)
    .filter((f) => f.endsWith(".wasm"))
    .sort()
    .map((f) => ({ name: f.replace(/\.wasm$/, ""), bytes: readInputFile(join(exampleDir, f), "example strategy", DEFAULT_ADMISSION_LIMITS.maxModuleBytes) }));
  if (examples.length === 0) throw new InputError(`no example strategies in ${exampleDir}: run 'npm run build' first`);
  const bases = new Map(examples.map((e) => [e.name, e.bytes]));

  let corpus;
  if (values.replay !== undefined) {
    const bytes = readInputFile(values.replay, "module", DEFAULT_ADMISSION_LIMITS.maxModuleBytes * 4);
    corpus = [{ ...baseCase(basename(values.replay), "generated", "replay", bytes, `replay of ${values.replay}`), neighbours: examples.length }];
  } else {
    const dir = values.corpus ?? findCorpusDir();
    try {
      corpus = loadCorpus(dir, (n) => bases.get(n), examples.length);
    } catch (e) {
      throw new InputError(`${COMMAND}: ${(e as Error).message}`);
    }
  }
  const replay = values.replay !== undefined;
  const text = !values.json;
  if (text) {
    process.stdout.write(replay
      ? `ringfence fuzz: replaying ${values.replay} beside ${examples.length} example strategies\n`
      : `ringfence fuzz: seed ${seed} (reproduce with --seed ${seed}), ${corpus.length} corpus cases, then generated and mutated modules for up to ${seconds} s on ${workers} worker(s)\n`);
  }

  let summary: CampaignSummary;
  try {
    summary = await runCampaign({
      seed, seconds: replay ? 0 : seconds, corpus, examples, workers, caseTimeoutMs,
      workerScript: fuzzWorkerScriptPath(),
      maxGenerated: replay ? 0 : maxCases,
      ttf: !values["no-ttf"] && !replay,
      feed: DEFAULT_FUZZ_FEED,
      onResult: replay && text ? (r) => process.stdout.write(`${describeResult(r)}\n`) : undefined,
    });
  } catch (e) {
    throw new InputError(`${COMMAND}: ${errorLine(e)}`);
  }

  let written = new Map<FoundViolation, string>();
  try {
    // A replayed module is its own reproducer.
    if (replay) for (const v of summary.violations) written.set(v, values.replay!);
    else written = writeReproducers(summary.seed, summary.violations, outDir);
  } catch (e) {
    throw new InputError(`${COMMAND}: cannot write reproducers to ${outDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({
      seed: summary.seed,
      cases: summary.cases,
      corpus: summary.corpus,
      generated: summary.generated,
      mutated: summary.mutated,
      violations: summary.violations.map((v) => ({
        invariant: v.invariant, case: v.caseName, origin: v.origin, generator: v.generator, index: v.index, message: v.message,
        reproducer: written.get(v) ?? null,
      })),
      known: summary.knownViolations.map((v) => ({ invariant: v.invariant, case: v.caseName, message: v.message, knownBug: v.knownBug })),
      byGenerator: summary.byGenerator,
      outcomes: summary.outcomes,
      skipped: summary.skipped,
      harnessErrors: summary.harnessErrors,
      elapsedMs: summary.elapsedMs,
      generatedPerSecond: Math.round(summary.generatedPerSecond * 10) / 10,
    }) + "\n");
  } else {
    const known = new Set(summary.knownViolations.filter((v) => v.origin === "corpus").map((v) => v.caseName));
    const corpusBad = summary.corpusResults.filter((r) => r.violations.length > 0 && !known.has(r.name)).length;
    if (!replay) {
      const knownNote = known.size > 0 ? ` (${known.size} reproduce known bugs)` : "";
      process.stdout.write(`corpus: ${summary.corpus} cases, ${corpusBad === 0 ? "all as declared, no invariant broken" : `${corpusBad} with violations`}${knownNote}\n`);
      const gen = Object.entries(summary.byGenerator).map(([k, v]) => `${k} ${v}`).join(", ");
      process.stdout.write(`generated: ${summary.generated}, mutated: ${summary.mutated} (${gen || "none"}), ${summary.generatedPerSecond.toFixed(1)} cases/s; ${(summary.elapsedMs / 1000).toFixed(1)} s in all${summary.skipped ? `, ${summary.skipped} wasm-opt failures skipped` : ""}\n`);
      const outcomes = Object.entries(summary.outcomes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ");
      process.stdout.write(`outcomes: ${outcomes}\n`);
    }
    for (const h of summary.harnessErrors) process.stdout.write(`fuzzer error (a bug in the fuzzer, not the host): ${h}\n`);
    for (const v of summary.knownViolations) process.stdout.write(`known bug ${describeViolation(v)} (${v.knownBug})\n`);
    if (summary.violations.length === 0) process.stdout.write("violations: none\n");
    for (const v of summary.violations) {
      const where = written.get(v);
      process.stdout.write(`violation ${describeViolation(v)}${where ? ` (reproducer: ${where}; run 'ringfence fuzz --replay ${where}')` : ""}\n`);
    }
  }
  if (summary.violations.length > 0 && !values.json) {
    process.stderr.write(replay
      ? `ringfence: fuzz: ${values.replay} breaks ${summary.violations.length} invariant(s)\n`
      : `ringfence: fuzz: ${summary.violations.length} invariant violation(s) with seed ${seed}; reproducers in ${outDir}/\n`);
  }
  return summary.violations.length > 0 ? 1 : 0;
}

/** dist/fuzzWorker.worker.mjs next to the bundled CLI (or under dist/ of this checkout when run from source). */
function fuzzWorkerScriptPath(): string {
  const found = findUp((dir) => {
    const here = join(dir, "fuzzWorker.worker.mjs");
    if (existsSync(join(dir, "cli.mjs")) && existsSync(here)) return here;
    const dist = join(dir, "dist", "fuzzWorker.worker.mjs");
    return existsSync(dist) ? dist : null;
  });
  if (found === null) throw new InputError("the fuzz worker is not built: run 'npm run build' first");
  return found;
}

/** test/fuzz/corpus of the checkout this CLI was built from. */
function findCorpusDir(): string {
  const found = findUp((dir) => {
    const p = join(dir, "test", "fuzz", "corpus");
    return existsSync(p) ? p : null;
  });
  if (found === null) throw new InputError(`${COMMAND}: the hostile corpus (test/fuzz/corpus) is not here; pass --corpus DIR`);
  return found;
}

function findUp(test: (dir: string) => string | null): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const hit = test(dir);
    if (hit !== null) return hit;
    dir = dirname(dir);
  }
  return null;
}
