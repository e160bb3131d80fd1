/**
 * Runs one fuzz case through the real pipeline — admission, metering,
 * compile, sandbox, risk, venue, audit — beside example strategies, twice,
 * and checks every invariant (violation.ts). Invariant 1 lives here:
 * whatever the module does, the only things that may come out of the
 * pipeline are a typed admission rejection, a typed metering refusal, or a
 * report (with at most one typed fault); anything thrown is a violation,
 * caught and reported, never rethrown. Synchronous; allocates freely.
 */
import type { StrategyReport, StrategySpec } from "../engine/strategyRunner.ts";
import { riskLimits } from "../risk/riskLimits.ts";
import { MAX_FUEL_PER_EVENT, sandboxLimits, type SandboxLimits } from "../sandbox/limits.ts";
import { AdmissionRejected, prepareModule, type PreparedModule } from "../sandbox/preparedModule.ts";
import { errorLine, firstLine } from "../text/printable.ts";
import { failedReportChecks, mismatch, type Outcome } from "./expectation.ts";
import type { FuzzCase } from "./fuzzCase.ts";
import type { FuzzEnvironment, Neighbour } from "./fuzzEnvironment.ts";
import { checkAudit, checkEvents, checkFaultTyped, checkIsolation, checkResources, checkRiskGate, checkSameReport } from "./invariants.ts";
import { Invariant, type Violation } from "./violation.ts";
import { CaseTooExpensive, RunawayHostLoop, runWitnessed, type WitnessedRun } from "./witnessedRun.ts";

export interface CaseResult {
  readonly name: string;
  readonly origin: FuzzCase["origin"];
  readonly generator: string;
  readonly outcome: Outcome;
  /** The hostile strategy's report (absent when it never ran). */
  readonly report?: StrategyReport;
  readonly violations: readonly Violation[];
}

/**
 * Metering refusals that are limits, not bugs: the module is admitted but
 * too deep for the recursive rewrite, over the metering work budget, or
 * would need more locals than the engine compiles. Any other metering error on an
 * admitted module means admission and metering disagree: a violation.
 */
const TYPED_METERING_REFUSALS = [
  /^expressions nested too deeply to meter( \(over \d+ levels\))?$/,
  /^too much code to meter: /,
  /^function \d+ needs \d+ locals once metered, over the engine's limit/,
];

/**
 * The environment's sandbox overridden by the case's. A case that sets only
 * fuelPerCallback keeps the environment's ratio of event to callback budget
 * (never an event budget below its callback budget), as sandboxLimits scales
 * a callback budget given alone.
 */
function caseSandbox(env: Partial<SandboxLimits>, own: Partial<SandboxLimits>): Partial<SandboxLimits> {
  const merged = { ...env, ...own };
  if (own.fuelPerCallback !== undefined && own.fuelPerEvent === undefined && env.fuelPerCallback !== undefined && env.fuelPerEvent !== undefined) {
    merged.fuelPerEvent = Math.min(Math.ceil((own.fuelPerCallback * env.fuelPerEvent) / env.fuelPerCallback), MAX_FUEL_PER_EVENT);
  }
  return merged;
}

export function runCase(c: FuzzCase, env: FuzzEnvironment): CaseResult {
  const violations: Violation[] = [];
  const done = (outcome: Outcome, report?: StrategyReport): CaseResult => {
    if (c.origin === "corpus") {
      const m = mismatch(c.expect, outcome);
      if (m !== null) violations.push({ invariant: Invariant.Expectation, message: m });
      if (c.reportChecks.length > 0) for (const f of failedReportChecks(c.reportChecks, report)) violations.push({ invariant: Invariant.Expectation, message: f });
    }
    return { name: c.name, origin: c.origin, generator: c.generator, outcome, ...(report ? { report } : {}), violations };
  };
  const escaped = (stage: string, e: unknown): CaseResult => {
    const message = `${stage} threw ${thrownLine(e)}`;
    violations.push({ invariant: Invariant.HostSurvives, message });
    return done({ kind: "host_error", message });
  };

  // Corpus headers are ours: a bad override is an authoring error and may throw.
  const sandbox = sandboxLimits(caseSandbox(env.sandbox, c.sandbox));
  const risk = riskLimits({ ...env.risk, ...c.risk });

  let prepared: PreparedModule;
  try {
    prepared = prepareModule(c.bytes, sandbox, c.name);
  } catch (e) {
    if (e instanceof AdmissionRejected) {
      const codes = e.reasons.map((r) => r.code);
      if (codes.includes("internal")) violations.push({ invariant: Invariant.HostSurvives, message: `admission hit an internal error: ${firstLine(e.reasons.find((r) => r.code === "internal")!.message)}` });
      // Reasons are printed to terminals: one line, no control characters (a guest's names must arrive escaped).
      const raw = e.reasons.find((r) => /[\x00-\x1f\x7f]/.test(r.message));
      if (raw) violations.push({ invariant: Invariant.HostSurvives, message: `admission reason '${raw.code}' carries a raw control character (newline, escape): it must be one printable line` });
      if (codes.length === 0) violations.push({ invariant: Invariant.HostSurvives, message: "admission rejected the module without a reason" });
      return done({ kind: "rejected", codes });
    }
    if ((e as Error)?.name === "MeteringError") {
      const message = errorLine(e);
      if (!TYPED_METERING_REFUSALS.some((re) => re.test(message))) violations.push({ invariant: Invariant.HostSurvives, message: `admitted, but metering failed: ${message}` });
      return done({ kind: "meter_refused", message });
    }
    return escaped("prepareModule", e);
  }

  const hostile: StrategySpec = { label: c.name, prepared, params: new Map(Object.entries(c.params)), risk, sandbox };
  const k = Math.min(c.neighbours, env.neighbours.length);
  const chosen: Neighbour[] = [];
  for (let j = 0; j < k; j++) chosen.push(env.neighbours[(c.slot + j) % env.neighbours.length]);
  const at = c.slot % (k + 1);
  const specs = chosen.map((n) => n.spec);
  specs.splice(at, 0, hostile);

  // Run A: beside the neighbours. Run B: the hostile strategy alone — its report must equal run A's
  // (invariant 7: the same result every run, and it cannot be steered by who runs beside it either).
  let a: WitnessedRun;
  let b: WitnessedRun;
  try {
    a = runWitnessed(env.recording, specs);
    b = runWitnessed(env.recording, [hostile]);
  } catch (e) {
    if (e instanceof CaseTooExpensive) return done({ kind: "too_expensive", message: e.message });
    if (e instanceof RunawayHostLoop) {
      violations.push({ invariant: Invariant.HostSurvives, message: e.message });
      return done({ kind: "host_error", message: e.message });
    }
    return escaped("the backtest", e);
  }

  const report = a.run.report.strategies[at];
  for (let s = 0; s < specs.length; s++) {
    const r = a.run.report.strategies[s];
    const w = a.witnesses[s];
    const label = s === at ? "hostile" : `neighbour ${r.module}`;
    violations.push(...checkRiskGate(label, r, w), ...checkEvents(label, w), ...checkResources(label, r, w, specs[s].sandbox), ...checkFaultTyped(label, r));
    if (s !== at) violations.push(...checkIsolation(r.module, r, chosen[s < at ? s : s - 1].solo));
  }
  violations.push(...checkAudit(a), ...checkSameReport(report, b.run.report.strategies[0]));

  const f = report.faults[0];
  const outcome: Outcome = f ? { kind: "fault", fault: { kind: f.kind, callback: f.callback, atEvent: f.atEvent, message: f.message } } : { kind: "healthy" };
  return done(outcome, report);
}

/** "RangeError: first line of the message" for anything thrown (errorLine never throws, nor does this). */
function thrownLine(e: unknown): string {
  let name: unknown;
  try {
    name = (e as Error)?.name;
  } catch {
    // a throwing getter: named by type below
  }
  return `${typeof name === "string" ? firstLine(name, 64) : typeof e}: ${errorLine(e)}`;
}
