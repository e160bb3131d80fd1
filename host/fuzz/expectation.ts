/**
 * What a corpus case declares it will do, and how that is checked against
 * what it did. The header lines of a corpus file (see corpusFile.ts):
 *
 *   ;; expect: reject <code>[,<code>...]          admission refuses it with (at least) these reason codes
 *   ;; expect: fault <kind> [in <callback>] [at <event>]
 *                                                 a typed fault; optionally in which callback
 *                                                 (rf_start, rf_on_market, ...) and at which event
 *                                                 index (-1 = during start)
 *   ;; expect: healthy                            runs to the end without a fault
 *   ;; expect: any                                outcome not pinned (mutated bytes): only the
 *                                                 invariants must hold
 *   ;; report: <path><op><int> ...                extra checks on the hostile strategy's report,
 *                                                 e.g. `orders=0 denials.throttle>0 logsDropped>=12`
 *
 * "runs, risk denies" is `expect: healthy` plus `report: denials.<name>>0`.
 */
import { FaultKind } from "../sandbox/faults.ts";
import type { StrategyReport } from "../engine/strategyRunner.ts";

export type Expectation =
  | { readonly kind: "reject"; readonly codes: readonly string[] }
  | { readonly kind: "fault"; readonly fault: FaultKind; readonly callback?: string; readonly atEvent?: number }
  | { readonly kind: "healthy" }
  | { readonly kind: "any" };

export type CompareOp = "=" | "!=" | ">" | ">=" | "<" | "<=";

export interface ReportCheck {
  /** Dot path into StrategyReport, e.g. `denials.throttle`; a missing key reads as 0. */
  readonly path: string;
  readonly op: CompareOp;
  readonly value: number;
}

/** What a case did, as the expectation sees it. */
export type Outcome =
  | { readonly kind: "rejected"; readonly codes: readonly string[] }
  /** Admitted, but the metering rewrite refused it with a one-line reason. */
  | { readonly kind: "meter_refused"; readonly message: string }
  | { readonly kind: "fault"; readonly fault: { readonly kind: string; readonly callback: string; readonly atEvent: number; readonly message: string } }
  | { readonly kind: "healthy" }
  /** Stopped by the harness after MAX_AUDITED_CALLS_PER_RUN host calls: counted, not checked. */
  | { readonly kind: "too_expensive"; readonly message: string }
  /** Something was thrown out of the pipeline (always a violation, invariant 1). */
  | { readonly kind: "host_error"; readonly message: string };

const FAULT_KINDS: ReadonlySet<string> = new Set(Object.values(FaultKind));
const CALLBACKS: ReadonlySet<string> = new Set(["instantiate", "rf_start", "rf_on_market", "rf_on_order", "rf_on_timer", "rf_stop"]);

/** Parses the text after `expect:`. Throws a one-line Error naming what is wrong. */
export function parseExpectation(text: string): Expectation {
  const words = text.trim().split(/\s+/);
  const head = words[0];
  if (head === "healthy" || head === "any") {
    if (words.length !== 1) throw new Error(`expect: '${head}' takes no arguments, got '${text.trim()}'`);
    return { kind: head };
  }
  if (head === "reject") {
    if (words.length !== 2) throw new Error(`expect: reject needs one comma-separated list of reason codes, got '${text.trim()}'`);
    const codes = words[1].split(",");
    for (const c of codes) if (!/^[a-z0-9_]+$/.test(c)) throw new Error(`expect: '${c}' is not a reason code`);
    return { kind: "reject", codes };
  }
  if (head === "fault") {
    const kind = words[1];
    if (kind === undefined || !FAULT_KINDS.has(kind)) throw new Error(`expect: fault kind '${kind ?? ""}' is not one of ${[...FAULT_KINDS].join(", ")}`);
    let callback: string | undefined;
    let atEvent: number | undefined;
    for (let i = 2; i < words.length; i += 2) {
      const key = words[i];
      const value = words[i + 1];
      if (value === undefined) throw new Error(`expect: '${key}' needs a value`);
      if (key === "in") {
        if (!CALLBACKS.has(value)) throw new Error(`expect: callback '${value}' is not one of ${[...CALLBACKS].join(", ")}`);
        callback = value;
      } else if (key === "at") {
        if (!/^-?\d+$/.test(value)) throw new Error(`expect: event '${value}' is not an integer`);
        atEvent = Number(value);
      } else {
        throw new Error(`expect: unknown word '${key}' (fault <kind> [in <callback>] [at <event>])`);
      }
    }
    return { kind: "fault", fault: kind as FaultKind, ...(callback ? { callback } : {}), ...(atEvent !== undefined ? { atEvent } : {}) };
  }
  throw new Error(`expect: '${head}' is not reject, fault, healthy or any`);
}

/** Parses the text after `report:`: space-separated `<path><op><int>` items. */
export function parseReportChecks(text: string): ReportCheck[] {
  const out: ReportCheck[] = [];
  for (const item of text.trim().split(/\s+/)) {
    if (item === "") continue;
    const m = /^([A-Za-z_][\w.]*)(!=|>=|<=|=|>|<)(-?\d+)$/.exec(item);
    if (!m) throw new Error(`report: '${item}' is not <path><op><integer> (ops: = != > >= < <=)`);
    out.push({ path: m[1], op: m[2] as CompareOp, value: Number(m[3]) });
  }
  return out;
}

/** One line saying how `outcome` differs from `expect`, or null when it matches. */
export function mismatch(expect: Expectation, outcome: Outcome): string | null {
  const got = describeOutcome(outcome);
  switch (expect.kind) {
    case "any":
      return null;
    case "healthy":
      return outcome.kind === "healthy" ? null : `expected healthy, got ${got}`;
    case "reject": {
      if (outcome.kind !== "rejected") return `expected rejection ${expect.codes.join(",")}, got ${got}`;
      const missing = expect.codes.filter((c) => !outcome.codes.includes(c));
      return missing.length === 0 ? null : `expected rejection codes ${missing.join(",")} among ${outcome.codes.join(",")}`;
    }
    case "fault": {
      const want = `fault ${expect.fault}${expect.callback ? ` in ${expect.callback}` : ""}${expect.atEvent !== undefined ? ` at ${expect.atEvent}` : ""}`;
      if (outcome.kind !== "fault") return `expected ${want}, got ${got}`;
      const f = outcome.fault;
      if (f.kind !== expect.fault || (expect.callback !== undefined && f.callback !== expect.callback) || (expect.atEvent !== undefined && f.atEvent !== expect.atEvent)) {
        return `expected ${want}, got ${got}`;
      }
      return null;
    }
  }
}

/** One line per failed report check (empty when all hold). */
export function failedReportChecks(checks: readonly ReportCheck[], report: StrategyReport | undefined): string[] {
  const out: string[] = [];
  for (const c of checks) {
    if (report === undefined) {
      out.push(`report check ${c.path}${c.op}${c.value}: the case never ran`);
      continue;
    }
    const v = readPath(report, c.path);
    if (v === null) {
      out.push(`report check ${c.path}${c.op}${c.value}: ${c.path} is not a number in the report`);
      continue;
    }
    if (!compare(v, c.op, c.value)) out.push(`report check ${c.path}${c.op}${c.value} failed: ${c.path} is ${v}`);
  }
  return out;
}

export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case "rejected":
      return `rejection ${o.codes.join(",")}`;
    case "meter_refused":
      return `metering refused (${o.message})`;
    case "fault":
      return `fault ${o.fault.kind} in ${o.fault.callback} at ${o.fault.atEvent}`;
    case "healthy":
      return "healthy";
    case "host_error":
      return `host error (${o.message})`;
    case "too_expensive":
      return `too expensive to fuzz (${o.message})`;
  }
}

/** Reads a dot path; a missing key under an existing object (e.g. an absent denial) reads as 0. */
function readPath(report: StrategyReport, path: string): number | null {
  let v: unknown = report;
  for (const key of path.split(".")) {
    if (v === null || typeof v !== "object") return null;
    v = Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, unknown>)[key] : 0;
  }
  return typeof v === "number" ? v : null;
}

function compare(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
  }
}
