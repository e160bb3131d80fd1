/**
 * Checks for the fields of JSON request bodies: each returns the value or
 * throws a 400 ApiError naming the field. Shared by every route, so a bad
 * field reads the same way everywhere.
 */
import { DEFAULT_RISK_LIMITS, riskLimits, type RiskLimits } from "../risk/riskLimits.ts";
import { badRequest } from "./apiError.ts";

export type Json = Record<string, unknown>;

export function jsonObject(v: unknown, what: string): Json {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw badRequest(`${what} must be a JSON object`);
  return v as Json;
}

/** Refuses fields other than `allowed`, so a typo is an error rather than silently ignored. */
export function onlyFields(o: Json, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw badRequest(`${what}: unknown field '${k.slice(0, 64)}' (allowed: ${allowed.join(", ")})`);
  }
}

export function intField(o: Json, name: string, fallback: number | undefined, min: number, max: number, what: string): number {
  const v = o[name];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw badRequest(`${what}.${name} must be an integer in ${min}..${max}`);
  }
  return v;
}

export function stringField(o: Json, name: string, pattern: RegExp, hint: string, what: string): string {
  const v = o[name];
  if (typeof v !== "string" || !pattern.test(v)) throw badRequest(`${what}.${name} must be ${hint}`);
  return v;
}

const PARAM_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_PARAMS = 64;

/** Strategy parameters: `{"name": integer}`, names as on the CLI's --param. */
export function paramsField(v: unknown, what: string): Record<string, number> {
  if (v === undefined) return {};
  const o = jsonObject(v, what);
  const keys = Object.keys(o);
  if (keys.length > MAX_PARAMS) throw badRequest(`${what} has ${keys.length} entries, over ${MAX_PARAMS}`);
  const out: Record<string, number> = {};
  for (const k of keys.sort()) {
    if (!PARAM_NAME.test(k)) throw badRequest(`${what}: parameter name '${k.slice(0, 64)}' must be 1..64 of letters, digits, '_', '.', '-'`);
    const n = o[k];
    if (typeof n !== "number" || !Number.isSafeInteger(n)) throw badRequest(`${what}.${k} must be an integer within ±2^53`);
    out[k] = n;
  }
  return out;
}

/** Risk limits: overrides of the documented defaults (host/risk/riskLimits.ts). */
export function riskField(v: unknown, what: string): RiskLimits {
  if (v === undefined) return riskLimits();
  const o = jsonObject(v, what);
  onlyFields(o, Object.keys(DEFAULT_RISK_LIMITS), what);
  try {
    return riskLimits(o as Partial<RiskLimits>);
  } catch (e) {
    throw badRequest(`${what}: ${(e as Error).message.replace(/^riskLimits: /, "")}`);
  }
}
