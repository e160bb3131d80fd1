/**
 * Messages between the campaign (main thread) and its fuzz workers
 * (fuzzWorker.worker.ts). Cases run in workers so that a case which hangs
 * or kills its host is observed from outside — a watchdog terminates the
 * worker and reports the case — instead of hanging the campaign.
 */
import type { SandboxLimits } from "../sandbox/limits.ts";
import type { CaseResult } from "./caseRunner.ts";
import type { FuzzCase } from "./fuzzCase.ts";
import type { ExampleModule, FeedOptions } from "./fuzzEnvironment.ts";

export interface FuzzWorkerInit {
  readonly seed: number;
  readonly examples: readonly ExampleModule[];
  readonly feed: FeedOptions;
  readonly sandbox: Partial<SandboxLimits>;
  /** Load wasm-opt for -ttf cases (~150 MB and ~0.2 s per worker). */
  readonly ttf: boolean;
  /** Scratch directory for wasm-opt's files; the campaign removes it at the end (a terminated worker cannot). */
  readonly tempDir: string;
}

export type ToWorker =
  /** Run this case (corpus, replay). */
  | { readonly type: "run"; readonly id: number; readonly fuzzCase: FuzzCase }
  /** Make case `index` of the campaign (caseFactory.ts) and run it. */
  | { readonly type: "generate"; readonly id: number; readonly index: number };

export type FromWorker =
  | { readonly type: "ready" }
  /** Sent before a case runs, so a hang or crash can still be reported with its bytes. */
  | { readonly type: "started"; readonly id: number; readonly name: string; readonly origin: FuzzCase["origin"]; readonly generator: string; readonly tries: string; readonly bytes: Uint8Array }
  | { readonly type: "result"; readonly id: number; readonly result: CaseResult }
  /** No case was made: wasm-opt failed (reason ""), or a generator threw (reason says so); nothing ran. */
  | { readonly type: "skipped"; readonly id: number; readonly reason: string }
  /** The worker cannot go on (environment broken): the campaign stops with this line. */
  | { readonly type: "fatal"; readonly message: string };
