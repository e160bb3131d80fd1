/**
 * What every case of a campaign runs against: one small synthetic recording,
 * the example strategies as neighbours, and each neighbour's solo run over
 * that recording (the baseline invariant 2 compares against). Built once per
 * thread; immutable afterwards.
 */
import type { StrategyReport, StrategySpec } from "../engine/strategyRunner.ts";
import type { Recording } from "../feed/recording.ts";
import { generateSynthetic } from "../feed/synthetic.ts";
import { riskLimits, type RiskLimits } from "../risk/riskLimits.ts";
import { sandboxLimits, type SandboxLimits } from "../sandbox/limits.ts";
import { prepareModule } from "../sandbox/preparedModule.ts";
import { runWitnessed } from "./witnessedRun.ts";

export interface FeedOptions {
  readonly seed: number;
  readonly events: number;
  readonly instruments: number;
}

/**
 * 400 events on 2 instruments: enough for the market maker to reach the
 * throttle and for orders to fill, small enough for ~50 cases/s per core.
 */
export const DEFAULT_FUZZ_FEED: FeedOptions = Object.freeze({ seed: 5, events: 400, instruments: 2 });

/**
 * Hostile strategies get a much smaller fuel budget than the production
 * default (10 M per callback): a runaway loop stops after ~0.1 ms instead
 * of ~10 ms, and a strategy that spends its whole budget on every one of
 * 400 events costs a fraction of a second, not a minute. The examples (the
 * neighbours, which keep the defaults) need under 20 000 per callback.
 * The event budget is 20 callback budgets, not the default 4: a fill cascade
 * the throttle ends (100 orders at 2 000 fuel a submit) stays legal.
 */
export const DEFAULT_FUZZ_SANDBOX: Partial<SandboxLimits> = Object.freeze({ fuelPerCallback: 50_000, fuelPerEvent: 1_000_000, fuelForStart: 1_000_000 });

export interface ExampleModule {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface Neighbour {
  readonly name: string;
  readonly spec: StrategySpec;
  /** Its report when it runs alone over the recording. */
  readonly solo: StrategyReport;
}

export interface FuzzEnvironment {
  readonly feed: FeedOptions;
  readonly recording: Recording;
  readonly neighbours: readonly Neighbour[];
  /** Defaults for hostile cases (a case's own overrides apply on top). */
  readonly sandbox: Partial<SandboxLimits>;
  readonly risk: Partial<RiskLimits>;
  /** Example strategy bytes by name (bases for mutation and `.mutate` corpus files). */
  readonly examples: ReadonlyMap<string, Uint8Array>;
}

export interface FuzzEnvironmentOptions {
  readonly examples: readonly ExampleModule[];
  readonly feed?: FeedOptions;
  readonly sandbox?: Partial<SandboxLimits>;
}

/** Throws (one line) if an example is rejected, faults or breaks an invariant alone: the baseline would be meaningless. */
export function createFuzzEnvironment(o: FuzzEnvironmentOptions): FuzzEnvironment {
  const feed = o.feed ?? DEFAULT_FUZZ_FEED;
  const recording = generateSynthetic(feed);
  const sandbox = sandboxLimits({});
  const risk = riskLimits({});
  const neighbours: Neighbour[] = [];
  for (const ex of [...o.examples].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const spec: StrategySpec = { label: ex.name, prepared: prepareModule(ex.bytes, sandbox, ex.name), params: new Map(), risk, sandbox };
    const { run, witnesses } = runWitnessed(recording, [spec]);
    const solo = run.report.strategies[0];
    if (solo.faults.length > 0) throw new Error(`example ${ex.name} faults alone (${solo.faults[0].message}): no baseline`);
    if (witnesses[0].problems.length > 0) throw new Error(`example ${ex.name} alone: ${witnesses[0].problems[0].message}`);
    neighbours.push({ name: ex.name, spec, solo });
  }
  return Object.freeze({
    feed,
    recording,
    neighbours: Object.freeze(neighbours),
    sandbox: Object.freeze({ ...DEFAULT_FUZZ_SANDBOX, ...(o.sandbox ?? {}) }),
    risk: Object.freeze({}),
    examples: new Map(o.examples.map((e) => [e.name, e.bytes])),
  });
}
