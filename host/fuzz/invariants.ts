/**
 * The checks behind invariants 2–7 (violation.ts), each over one finished
 * witnessed run. Invariant 1 (nothing escapes the pipeline) is enforced
 * where the pipeline is driven, in caseRunner.ts. Each check returns the
 * violations it found, one line each; none throws.
 */
import { HOST_CALLS } from "../abi/callTable.ts";
import { decodeEntry, type DecodedAuditEntry } from "../audit/auditEncoding.ts";
import { encodeAuditFile, verifyAuditBytes } from "../audit/auditFile.ts";
import type { AuditLog } from "../audit/auditLog.ts";
import type { StrategyReport } from "../engine/strategyRunner.ts";
import { FaultKind, FaultMessage } from "../sandbox/faults.ts";
import type { SandboxLimits } from "../sandbox/limits.ts";
import { WITNESSED_CALLS, type StrategyWitness, type WitnessedCall, type WitnessedRun } from "./witnessedRun.ts";
import { Invariant, type Violation } from "./violation.ts";

const PAGE_BYTES = 65536;
/** Audit entries the engine writes into a strategy chain that are not host calls. */
const ENGINE_ENTRIES: ReadonlySet<string> = new Set(["fault", "quarantine", "kill_switch"]);
const HOST_CALL_NAMES: ReadonlySet<string> = new Set(HOST_CALLS.map((c) => c.name));
/** Faults a backtest can produce (watchdog and disconnect are live-mode only). */
const BACKTEST_FAULTS: ReadonlySet<string> = new Set(Object.values(FaultKind).filter((k) => k !== FaultKind.Watchdog && k !== FaultKind.Disconnect));

/** Invariant 2 (and 5 for a neighbour's callback count): a neighbour's report equals its solo run. */
export function checkIsolation(name: string, got: StrategyReport, solo: StrategyReport): Violation[] {
  const a = got as unknown as Record<string, unknown>;
  const b = solo as unknown as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    const x = JSON.stringify(a[key]);
    const y = JSON.stringify(b[key]);
    if (x === y) continue;
    const invariant = key === "callbacks" ? Invariant.Events : Invariant.Isolation;
    return [{ invariant, message: `neighbour ${name}: ${key} ${clip(x)} beside the hostile strategy, ${clip(y)} alone` }];
  }
  if (Object.keys(a).length !== Object.keys(b).length) return [{ invariant: Invariant.Isolation, message: `neighbour ${name}: report has other fields than alone` }];
  return [];
}

/** Invariant 3: every order the venue saw passed the gate, and the counts agree. */
export function checkRiskGate(label: string, report: StrategyReport, w: StrategyWitness): Violation[] {
  const out: Violation[] = w.problems.filter((p) => p.invariant === Invariant.RiskGate).map((p) => ({ ...p, message: `${label}: ${p.message}` }));
  if (w.venueSubmits !== w.riskPassed || w.venueSubmits !== report.orders) {
    out.push({ invariant: Invariant.RiskGate, message: `${label}: venue received ${w.venueSubmits} orders, the gate passed ${w.riskPassed}, the report counts ${report.orders}` });
  }
  return out;
}

/** Invariant 5: the witness saw every market event delivered once, in order, to every live strategy subscribed to it, and to no other. */
export function checkEvents(label: string, w: StrategyWitness): Violation[] {
  return w.problems.filter((p) => p.invariant === Invariant.Events).map((p) => ({ ...p, message: `${label}: ${p.message}` }));
}

/** Invariant 6: memory within the cap; no callback used more fuel than its budget, no market event more than the event budget. */
export function checkResources(label: string, report: StrategyReport, w: StrategyWitness, limits: SandboxLimits): Violation[] {
  const out: Violation[] = w.problems.filter((p) => p.invariant === Invariant.Resources).map((p) => ({ ...p, message: `${label}: ${p.message}` }));
  const cap = limits.maxMemoryPages * PAGE_BYTES;
  if (w.memoryBytes > cap) out.push({ invariant: Invariant.Resources, message: `${label}: linear memory ${w.memoryBytes} bytes, over the cap of ${cap}` });
  // maxCallbackFuel includes the start callback, whose budget is fuelForStart.
  const budget = Math.max(limits.fuelPerCallback, limits.fuelForStart);
  if (report.maxCallbackFuel > budget) out.push({ invariant: Invariant.Resources, message: `${label}: a callback used ${report.maxCallbackFuel} fuel, budget ${budget}` });
  if (w.maxEventFuel > limits.fuelPerEvent) out.push({ invariant: Invariant.Resources, message: `${label}: one market event's callbacks used ${w.maxEventFuel} fuel, event budget ${limits.fuelPerEvent}` });
  for (const f of report.faults) {
    const b = f.callback === "rf_start" || f.callback === "instantiate" ? limits.fuelForStart : limits.fuelPerCallback;
    if (f.fuelAtFault > b || f.fuelAtFault < 0) out.push({ invariant: Invariant.Resources, message: `${label}: fault in ${f.callback} after ${f.fuelAtFault} fuel, budget ${b}` });
    if (/native stack overflow/.test(f.message)) {
      out.push({ invariant: Invariant.Resources, message: `${label}: the native stack overflowed in ${f.callback} at event ${f.atEvent}: the stack budget did not bound the guest` });
    }
  }
  return out;
}

/** Invariant 7 (first half): at most one fault, of a backtest kind, with its fixed message; never a host error. */
export function checkFaultTyped(label: string, report: StrategyReport): Violation[] {
  const out: Violation[] = [];
  if (report.faults.length > 1) out.push({ invariant: Invariant.Determinism, message: `${label}: ${report.faults.length} faults reported, at most one expected` });
  for (const f of report.faults) {
    if (!BACKTEST_FAULTS.has(f.kind)) {
      out.push({ invariant: Invariant.Determinism, message: `${label}: fault kind '${f.kind}' is not a backtest fault kind` });
      continue;
    }
    if (!f.message.startsWith(`${FaultMessage[f.kind as FaultKind]}`)) {
      out.push({ invariant: Invariant.Determinism, message: `${label}: fault message '${clip(f.message)}' is not the fixed text for ${f.kind}` });
    }
    if (/host error during/.test(f.message)) {
      out.push({ invariant: Invariant.HostSurvives, message: `${label}: a host exception surfaced inside a host call: ${clip(f.message)}` });
    }
    if (/[\r\n]/.test(f.message)) out.push({ invariant: Invariant.Determinism, message: `${label}: fault message is not one line` });
  }
  return out;
}

/** Invariant 7 (second half): the hostile strategy's report is the same in a second run (alone). */
export function checkSameReport(first: StrategyReport, second: StrategyReport): Violation[] {
  const p = first as unknown as Record<string, unknown>;
  const q = second as unknown as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    const u = JSON.stringify(p[key]);
    const v = JSON.stringify(q[key]);
    if (u !== v) return [{ invariant: Invariant.Determinism, message: `hostile: ${key} ${clip(u)} beside its neighbours, ${clip(v)} in a second run alone` }];
  }
  return [];
}

/**
 * Invariant 4: the audit file verifies; each strategy chain's head and
 * length match its report; each chain holds exactly the host calls the
 * witness saw reach the engine, and the counters the report keeps; the run
 * chain commits to every strategy chain.
 */
export function checkAudit(wr: WitnessedRun): Violation[] {
  const out: Violation[] = [];
  const bad = (message: string) => out.push({ invariant: Invariant.Audit, message });
  const { run, witnesses } = wr;
  const verified = verifyAuditBytes(encodeAuditFile(run.auditLogs));
  if (!verified.ok) {
    const b = verified.firstBroken!;
    bad(`audit file does not verify: chain ${b.chain} entry ${b.index}: ${b.reason}`);
    return out;
  }
  if (verified.chains[0].headHex !== run.report.auditHash) bad("run chain head differs from the report's auditHash");
  const [runLog, ...strategyLogs] = run.auditLogs;
  const perStrategy: DecodedAuditEntry[][] = [];
  for (let s = 0; s < strategyLogs.length; s++) {
    const report = run.report.strategies[s];
    const label = `strategy ${s} (${report.module})`;
    const chain = verified.chains[s + 1];
    if (chain.headHex !== report.auditHash || chain.entries !== report.auditEntries) bad(`${label}: audit chain head/length differ from the report`);
    const entries = decodeAll(strategyLogs[s], bad);
    perStrategy.push(entries);
    const count = new Map<string, number>();
    let accepted = 0;
    let cancelsWithId = 0;
    for (const e of entries) {
      count.set(e.call, (count.get(e.call) ?? 0) + 1);
      if (!HOST_CALL_NAMES.has(e.call) && !ENGINE_ENTRIES.has(e.call)) bad(`${label}: audit entry '${clip(e.call)}' is neither a host call nor an engine action`);
      if (e.call === "submit_order" && e.result > 0) accepted++;
      if (e.call === "cancel_order" && (e.args[0] ?? 0) > 0) cancelsWithId++;
    }
    const n = (call: string) => count.get(call) ?? 0;
    const w = witnesses[s];
    for (const call of Object.keys(WITNESSED_CALLS) as WitnessedCall[]) {
      const audited = call === "cancel_order" ? cancelsWithId : n(call);
      if (audited !== w.contextCalls[call]) bad(`${label}: ${w.contextCalls[call]} ${call} calls reached the engine, ${audited} are in the audit chain`);
    }
    if (n("submit_order") !== report.orders + report.rejects) bad(`${label}: ${n("submit_order")} submit_order entries, report counts ${report.orders} orders + ${report.rejects} rejects`);
    if (accepted !== report.orders) bad(`${label}: ${accepted} accepted submit_order entries, report counts ${report.orders} orders`);
    if (n("log") !== report.logs + report.logsDropped) bad(`${label}: ${n("log")} log entries, report counts ${report.logs} + ${report.logsDropped} dropped`);
    if (n("fault") !== report.faults.length || n("quarantine") !== report.faults.length) bad(`${label}: ${n("fault")} fault and ${n("quarantine")} quarantine entries for ${report.faults.length} faults`);
  }
  // The run chain (host/backtest/runChain.ts): one entry per strategy, in order, committing to its whole chain.
  const runEntries = decodeAll(runLog, bad);
  if (runEntries.length !== perStrategy.length) bad(`run chain has ${runEntries.length} entries for ${perStrategy.length} strategies`);
  for (let s = 0; s < Math.min(runEntries.length, perStrategy.length); s++) {
    const e = runEntries[s];
    const r = run.report.strategies[s];
    if (e.strategy !== s || e.call !== "strategy_chain" || e.args[0] !== s || e.args[1] !== r.auditEntries || e.detail !== `${r.codeId}:${r.auditHash}`) {
      bad(`run chain entry ${s} does not commit to strategy ${s}'s chain (${r.auditEntries} entries, head ${r.auditHash.slice(0, 12)})`);
    }
  }
  return out;
}

/** Every entry of a chain, decoded from the log's own bytes. */
function decodeAll(log: AuditLog, bad: (m: string) => void): DecodedAuditEntry[] {
  const out: DecodedAuditEntry[] = [];
  let failed = false;
  log.visitEntries(0, (entry) => {
    if (failed) return;
    const d = decodeEntry(entry);
    if (typeof d === "string") {
      bad(`${log.label}: entry ${out.length} does not decode: ${d}`);
      failed = true;
      return;
    }
    out.push(d);
  });
  return out;
}

function clip(s: string | undefined): string {
  const t = String(s);
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}
