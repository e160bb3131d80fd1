/**
 * One module to throw at the pipeline, and where it came from. Corpus cases
 * carry a pinned expectation; generated and mutated ones expect `any` (only
 * the invariants must hold).
 */
import type { RiskLimits } from "../risk/riskLimits.ts";
import type { SandboxLimits } from "../sandbox/limits.ts";
import type { Expectation, ReportCheck } from "./expectation.ts";

export type CaseOrigin = "corpus" | "generated" | "mutated";

export interface FuzzCase {
  /** Corpus file name, or `<generator>-<seed>-<index>`. */
  readonly name: string;
  readonly origin: CaseOrigin;
  /** What produced the bytes: "wat", "hex", "mutate", "ttf", "script", "flip", ... */
  readonly generator: string;
  readonly bytes: Uint8Array;
  readonly expect: Expectation;
  readonly reportChecks: readonly ReportCheck[];
  /** Overrides of the campaign's sandbox limits for the hostile strategy. */
  readonly sandbox: Partial<SandboxLimits>;
  readonly risk: Partial<RiskLimits>;
  readonly params: Readonly<Record<string, number>>;
  /** Example strategies run beside it (0..the number available). */
  readonly neighbours: number;
  /** Position of the hostile strategy among the runners (taken modulo neighbours + 1). */
  readonly slot: number;
  /** One line: what the case tries (corpus), or how it was made. */
  readonly tries: string;
  /**
   * Corpus only: a known, not yet fixed engine bug this case reproduces (one
   * line). Its violations are reported as known, not as failures; once the
   * bug is fixed the case stops reproducing it and the corpus test says so.
   */
  readonly knownBug: string;
}

/** The fields every case starts from. */
export function baseCase(name: string, origin: CaseOrigin, generator: string, bytes: Uint8Array, tries: string): FuzzCase {
  return {
    name, origin, generator, bytes, tries,
    expect: { kind: "any" }, reportChecks: [], sandbox: {}, risk: {}, params: {}, neighbours: 1, slot: 0, knownBug: "",
  };
}
