/**
 * Turns --strategy/--param/--risk/--fuel flags into StrategySpecs: reads each
 * module (one-line errors), admits and meters it (rejection → one line with
 * every reason, exit 1). Shared by backtest and demo (and later run/sweep).
 */
import { basename } from "node:path";
import { DEFAULT_ADMISSION_LIMITS } from "../admission/limits.ts";
import type { StrategySpec } from "../engine/strategyRunner.ts";
import { DEFAULT_RISK_LIMITS, riskLimits, type RiskLimits } from "../risk/riskLimits.ts";
import { sandboxLimits, type SandboxLimits } from "../sandbox/limits.ts";
import { AdmissionRejected, prepareModule } from "../sandbox/preparedModule.ts";
import { errorLine } from "../text/printable.ts";
import { intFlag } from "./args.ts";
import { InputError, UsageError } from "./errors.ts";
import { readInputFile } from "./files.ts";

/** `name=value` pairs with integer values (params are i64 in the ABI). */
export function parseParams(command: string, pairs: readonly string[]): Map<string, number> {
  const params = new Map<string, number>();
  for (const pair of pairs) {
    const m = /^([A-Za-z0-9_.-]{1,64})=(-?\d+)$/.exec(pair);
    if (!m) throw new UsageError(`${command}: --param expects name=integer (name ≤ 64 chars of [A-Za-z0-9_.-]), got '${pair}'`);
    const v = Number(m[2]);
    if (!Number.isSafeInteger(v)) throw new UsageError(`${command}: --param ${m[1]} is outside ±2^53`);
    if (params.has(m[1])) throw new UsageError(`${command}: --param ${m[1]} is given twice; give it once`);
    params.set(m[1], v);
  }
  return params;
}

/** `--risk maxPositionLots=100` overrides of the documented risk defaults. */
export function parseRisk(command: string, pairs: readonly string[]): RiskLimits {
  const o: Record<string, number> = {};
  for (const pair of pairs) {
    const m = /^(\w+)=(\d+)$/.exec(pair);
    if (!m || !(m[1] in DEFAULT_RISK_LIMITS)) {
      throw new UsageError(`${command}: --risk expects one of ${Object.keys(DEFAULT_RISK_LIMITS).join(", ")} =integer, got '${pair}'`);
    }
    if (m[1] in o) throw new UsageError(`${command}: --risk ${m[1]} is given twice; give it once`);
    o[m[1]] = Number(m[2]);
  }
  try {
    return riskLimits(o as Partial<RiskLimits>);
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/** Sandbox limits from `--fuel N` (per callback) and `--event-fuel N` (per market event, all its callbacks). */
export function parseSandbox(command: string, values: { readonly fuel?: string; readonly "event-fuel"?: string }): SandboxLimits {
  const o: { fuelPerCallback?: number; fuelPerEvent?: number } = {};
  if (values.fuel !== undefined) o.fuelPerCallback = intFlag(command, "fuel", values.fuel, 0, 1);
  if (values["event-fuel"] !== undefined) o.fuelPerEvent = intFlag(command, "event-fuel", values["event-fuel"], 0, 1);
  try {
    return sandboxLimits(o);
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

export function loadStrategy(path: string, params: ReadonlyMap<string, number>, risk: RiskLimits, sandbox: SandboxLimits): StrategySpec {
  const bytes = readInputFile(path, "strategy module", DEFAULT_ADMISSION_LIMITS.maxModuleBytes);
  try {
    return { label: path, prepared: prepareModule(bytes, sandbox, basename(path)), params, risk, sandbox };
  } catch (e) {
    if (e instanceof AdmissionRejected) throw new InputError(`${path}: rejected by admission: ${e.reasons.map((r) => r.code).join(", ")} (run 'ringfence verify ${path}' for details)`);
    throw new InputError(`${path}: cannot be metered: ${errorLine(e)}`);
  }
}
