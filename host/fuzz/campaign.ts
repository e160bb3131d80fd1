/**
 * A fuzz campaign: the corpus first, then generated and mutated cases
 * (caseFactory.ts) until the time budget is spent, spread over worker
 * threads (fuzzWorker.worker.ts).
 *
 * The main thread only schedules and watches. Each worker has one case in
 * flight; if it does not answer within `caseTimeoutMs`, the host stopped
 * responding to that case (invariant 1): the worker is terminated, the case
 * is reported with its bytes, and a fresh worker takes its place. A worker
 * that dies (a crash, running out of heap) is reported the same way. Wall
 * time is read here for the budget and the watchdog only; it never reaches
 * a strategy or an audit log.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { SandboxLimits } from "../sandbox/limits.ts";
import { errorLine } from "../text/printable.ts";
import type { CaseResult } from "./caseRunner.ts";
import { describeOutcome } from "./expectation.ts";
import type { FuzzCase } from "./fuzzCase.ts";
import { DEFAULT_FUZZ_FEED, type ExampleModule, type FeedOptions } from "./fuzzEnvironment.ts";
import { Invariant, type Violation } from "./violation.ts";
import type { FromWorker, FuzzWorkerInit, ToWorker } from "./workerProtocol.ts";

export interface CampaignOptions {
  readonly seed: number;
  /** Budget for the whole campaign; the corpus always runs to the end, generation stops at the budget. */
  readonly seconds: number;
  readonly corpus: readonly FuzzCase[];
  readonly examples: readonly ExampleModule[];
  /** dist/fuzzWorker.worker.mjs (injected: the CLI and tests find it differently). */
  readonly workerScript: string;
  readonly workers?: number;
  /** A case that takes longer has hung its host. Default 20 s. */
  readonly caseTimeoutMs?: number;
  /** Stop generating after this many cases (default: only the time budget). */
  readonly maxGenerated?: number;
  /** Generate -ttf cases (default true; off, the rotation's ttf slots are skipped). */
  readonly ttf?: boolean;
  readonly feed?: FeedOptions;
  readonly sandbox?: Partial<SandboxLimits>;
  /** Called for every finished case (progress output). */
  readonly onResult?: (r: CaseResult) => void;
  /** Heap cap per worker, MB: a guest cannot exhaust it, a host leak would. Default 2048. */
  readonly workerHeapMb?: number;
}

/** One broken invariant, with what it takes to reproduce it. */
export interface FoundViolation extends Violation {
  readonly caseName: string;
  readonly origin: FuzzCase["origin"];
  readonly generator: string;
  /** Case number for generated/mutated cases (reproduce with the campaign seed), -1 for corpus. */
  readonly index: number;
  readonly tries: string;
  readonly bytes: Uint8Array;
  /** The corpus case's `known-bug` line ("" when the violation is news). */
  readonly knownBug: string;
}

export interface CampaignSummary {
  readonly seed: number;
  readonly cases: number;
  readonly corpus: number;
  readonly generated: number;
  readonly mutated: number;
  /** Generated cases per generator ("ttf", "script"), mutated ones under "mutate". */
  readonly byGenerator: Record<string, number>;
  /** Finished cases per outcome: "rejected", "fault out_of_fuel", "healthy", ... */
  readonly outcomes: Record<string, number>;
  /** Generator slots that produced nothing (wasm-opt failures). */
  readonly skipped: number;
  /** Generator errors (bugs in the fuzzer, not the host), one line each. */
  readonly harnessErrors: readonly string[];
  /** Violations of corpus cases marked `known-bug` (reported, but not failures). */
  readonly knownViolations: readonly FoundViolation[];
  readonly violations: readonly FoundViolation[];
  readonly elapsedMs: number;
  /** Generated + mutated cases per second of generation phase. */
  readonly generatedPerSecond: number;
  readonly corpusResults: readonly CaseResult[];
}

type Job = { kind: "run"; fuzzCase: FuzzCase } | { kind: "generate"; index: number };

interface Started {
  name: string;
  origin: FuzzCase["origin"];
  generator: string;
  tries: string;
  bytes: Uint8Array;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  jobId: number;
  started: Started | null;
  timer: NodeJS.Timeout | null;
  dead: boolean;
}

/** Runs a campaign to its end. Rejects (one line) only when workers cannot start at all. */
export async function runCampaign(o: CampaignOptions): Promise<CampaignSummary> {
  const startMs = Date.now();
  const deadlineMs = startMs + Math.max(0, o.seconds) * 1000;
  const caseTimeoutMs = o.caseTimeoutMs ?? 20_000;
  const workerCount = Math.max(1, o.workers ?? 2);
  const useTtf = o.ttf ?? true;
  const tempDir = mkdtempSync(join(tmpdir(), "ringfence-fuzz-"));
  const init: FuzzWorkerInit = { seed: o.seed, examples: o.examples, feed: o.feed ?? DEFAULT_FUZZ_FEED, sandbox: o.sandbox ?? {}, ttf: useTtf, tempDir };

  const corpusQueue: Job[] = o.corpus.map((c) => ({ kind: "run", fuzzCase: c }));
  let nextIndex = 0;
  let generationStartMs = -1;
  let generationEndMs = -1;
  let nextJobId = 1;
  let fatal: string | null = null;
  let crashes = 0;

  const counts = { corpus: 0, generated: 0, mutated: 0, skipped: 0 };
  const byGenerator: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const violations: FoundViolation[] = [];
  const knownViolations: FoundViolation[] = [];
  const corpusResults: CaseResult[] = [];
  const harnessErrors: string[] = [];

  const nextJob = (): Job | null => {
    if (fatal !== null) return null;
    const c = corpusQueue.shift();
    if (c) return c;
    if (generationStartMs < 0) generationStartMs = Date.now();
    for (;;) {
      if (Date.now() >= deadlineMs) return null;
      if (o.maxGenerated !== undefined && nextIndex >= o.maxGenerated) return null;
      const index = nextIndex++;
      if (!useTtf && index % 4 !== 1 && index % 4 !== 3) continue; // ttf slots (caseFactory ROTATION)
      return { kind: "generate", index };
    }
  };

  const record = (r: CaseResult, job: Job, started: Started | null): void => {
    if (r.origin === "corpus") {
      counts.corpus++;
      corpusResults.push(r);
    } else {
      counts[r.origin]++;
      byGenerator[r.generator] = (byGenerator[r.generator] ?? 0) + 1;
    }
    const key = r.outcome.kind === "fault" ? `fault ${r.outcome.fault.kind}` : r.outcome.kind;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    const knownBug = job.kind === "run" ? job.fuzzCase.knownBug : "";
    for (const v of r.violations) {
      (knownBug ? knownViolations : violations).push({
        ...v,
        caseName: r.name, origin: r.origin, generator: r.generator,
        index: job.kind === "generate" ? job.index : -1,
        tries: started?.tries ?? "",
        bytes: started?.bytes ?? (job.kind === "run" ? job.fuzzCase.bytes : new Uint8Array(0)),
        knownBug,
      });
    }
    o.onResult?.(r);
  };

  const lostCase = (slot: Slot, what: string): void => {
    const job = slot.job;
    if (job === null) return;
    const s = slot.started;
    const name = s?.name ?? (job.kind === "run" ? job.fuzzCase.name : `case ${job.kind === "generate" ? job.index : "?"}`);
    const origin = s?.origin ?? (job.kind === "run" ? job.fuzzCase.origin : "generated");
    const message = `${what} while running ${name}`;
    record({ name, origin, generator: s?.generator ?? "?", outcome: { kind: "host_error", message }, violations: [{ invariant: Invariant.HostSurvives, message }] }, job, s);
  };

  return await new Promise<CampaignSummary>((resolve, reject) => {
    const slots: Slot[] = [];
    let everReady = false;

    const finish = (): void => {
      for (const s of slots) {
        if (s.timer) clearTimeout(s.timer);
        s.dead = true;
        void s.worker.terminate();
      }
      rmSync(tempDir, { recursive: true, force: true });
      if (fatal !== null && !everReady) return reject(new Error(fatal));
      // A generated case that trips over a known corpus bug (same invariant, same message up to numbers) is that bug again.
      const known = new Map(knownViolations.map((v) => [signature(v), v.knownBug]));
      for (let i = violations.length - 1; i >= 0; i--) {
        const bug = known.get(signature(violations[i]));
        if (bug !== undefined) knownViolations.push({ ...violations.splice(i, 1)[0], knownBug: bug });
      }
      if (fatal !== null) violations.push({ invariant: Invariant.HostSurvives, message: fatal, caseName: "", origin: "generated", generator: "", index: -1, tries: "", bytes: new Uint8Array(0), knownBug: "" });
      const now = Date.now();
      const genMs = generationStartMs < 0 ? 0 : (generationEndMs < 0 ? now : generationEndMs) - generationStartMs;
      resolve({
        seed: o.seed,
        cases: counts.corpus + counts.generated + counts.mutated,
        corpus: counts.corpus,
        generated: counts.generated,
        mutated: counts.mutated,
        byGenerator,
        outcomes,
        skipped: counts.skipped,
        harnessErrors,
        knownViolations,
        violations,
        elapsedMs: now - startMs,
        generatedPerSecond: genMs > 0 ? ((counts.generated + counts.mutated) * 1000) / genMs : 0,
        corpusResults: corpusResults.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      });
    };

    const maybeFinish = (): void => {
      if (slots.every((s) => s.dead || s.job === null)) {
        if (generationEndMs < 0 && generationStartMs >= 0) generationEndMs = Date.now();
        finish();
      }
    };

    const dispatch = (slot: Slot): void => {
      const job = nextJob();
      if (job === null) {
        slot.job = null;
        return maybeFinish();
      }
      slot.job = job;
      slot.jobId = nextJobId++;
      slot.started = null;
      const msg: ToWorker = job.kind === "run" ? { type: "run", id: slot.jobId, fuzzCase: job.fuzzCase } : { type: "generate", id: slot.jobId, index: job.index };
      slot.worker.postMessage(msg);
      slot.timer = setTimeout(() => {
        lostCase(slot, `the host stopped responding (no answer within ${caseTimeoutMs} ms)`);
        replace(slot);
      }, caseTimeoutMs);
    };

    const replace = (slot: Slot): void => {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      slot.dead = true;
      slot.job = null;
      void slot.worker.terminate();
      // A case that kills its host every time would otherwise respawn forever.
      if (++crashes > 20) {
        fatal ??= "fuzz: more than 20 workers lost to hangs or crashes; stopping";
        return maybeFinish();
      }
      const i = slots.indexOf(slot);
      slots[i] = spawn();
    };

    const spawn = (): Slot => {
      const worker = new Worker(o.workerScript, { workerData: init, resourceLimits: { maxOldGenerationSizeMb: o.workerHeapMb ?? 2048 } });
      const slot: Slot = { worker, ready: false, job: null, jobId: 0, started: null, timer: null, dead: false };
      worker.on("message", (m: FromWorker) => {
        if (slot.dead) return;
        switch (m.type) {
          case "ready":
            slot.ready = true;
            everReady = true;
            return dispatch(slot);
          case "started":
            if (m.id === slot.jobId) slot.started = { name: m.name, origin: m.origin, generator: m.generator, tries: m.tries, bytes: m.bytes };
            return;
          case "result":
          case "skipped":
            if (m.id !== slot.jobId || slot.job === null) return;
            if (slot.timer) clearTimeout(slot.timer);
            slot.timer = null;
            if (m.type === "result") record(m.result, slot.job, slot.started);
            else {
              counts.skipped++;
              if (m.reason) harnessErrors.push(m.reason);
            }
            return dispatch(slot);
          case "fatal":
            fatal ??= m.message;
            slot.dead = true;
            if (slot.timer) clearTimeout(slot.timer);
            slot.job = null;
            return maybeFinish();
        }
      });
      worker.on("error", (e: Error) => {
        if (slot.dead) return;
        if (!slot.ready) {
          fatal ??= `fuzz worker could not start: ${errorLine(e)}`;
          slot.dead = true;
          return maybeFinish();
        }
        lostCase(slot, `the host thread died (${errorLine(e)})`);
        replace(slot);
      });
      worker.on("exit", (code) => {
        if (slot.dead) return;
        if (!slot.ready) fatal ??= `fuzz worker exited with code ${code} before it was ready`;
        else lostCase(slot, `the host thread exited with code ${code}`);
        if (!slot.ready) {
          slot.dead = true;
          return maybeFinish();
        }
        replace(slot);
      });
      return slot;
    };

    for (let i = 0; i < workerCount; i++) slots.push(spawn());
  });
}

/**
 * Invariant and message with numbers, quoted names and the strategy's
 * position blanked: the same bug met by two cases (e.g. an admission reason
 * with a raw control character, whichever reason code carried it).
 */
function signature(v: Violation): string {
  const m = v.message.replace(/^(hostile|strategy \d+ \([^)]*\)): /, "").replace(/'[^']*'/g, "'_'").replace(/-?\d+/g, "#");
  return `${v.invariant}|${m}`;
}

/** One line per violation: `[invariant] case: message`. */
export function describeViolation(v: FoundViolation): string {
  return `[${v.invariant}] ${v.caseName}${v.index >= 0 ? ` (case ${v.index})` : ""}: ${v.message}`;
}

/** For progress output: `name: outcome` and any violations. */
export function describeResult(r: CaseResult): string {
  return `${r.name}: ${describeOutcome(r.outcome)}${r.violations.length ? ` — ${r.violations.length} violation(s)` : ""}`;
}
