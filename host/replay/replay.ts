/**
 * `ringfence replay SESSION`: re-executes every strategy of a recorded live
 * session from the capture — the exact events its worker consumed (gaps
 * included), the kill-switch changes at the events they applied — and checks
 * each decision against the recording: same host calls with the same
 * arguments and results, same fuel per event, same audit hash. The first
 * divergence is named (strategy, event index, expected vs actual).
 */
import { EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import { EventKind, type KillSwitchState } from "../abi/codes.ts";
import { encodeAuditFile } from "../audit/auditFile.ts";
import { readAuditChains } from "../audit/auditChains.ts";
import type { DecodedAuditEntry } from "../audit/auditEncoding.ts";
import { AuditLog } from "../audit/auditLog.ts";
import { FuelTrace } from "../engine/fuelTrace.ts";
import { StrategyRunner } from "../engine/strategyRunner.ts";
import { riskLimits } from "../risk/riskLimits.ts";
import { sandboxLimits } from "../sandbox/limits.ts";
import { prepareModule } from "../sandbox/preparedModule.ts";
import type { Session } from "./session.ts";

export interface Divergence {
  readonly what: "call" | "fuel" | "missing-capture";
  readonly eventIndex: number;
  readonly expected: string;
  readonly actual: string;
}

export interface StrategyReplay {
  readonly index: number;
  readonly label: string;
  readonly ok: boolean;
  readonly calls: number;
  readonly fuelEvents: number;
  readonly auditHash: string;
  readonly divergence?: Divergence;
}

export interface ReplayResult {
  readonly ok: boolean;
  readonly events: number;
  readonly strategies: StrategyReplay[];
}

export function describeCall(e: DecodedAuditEntry | undefined): string {
  if (!e) return "(no call)";
  return `${e.call}(${e.args.join(",")}) = ${e.result}${e.detail !== undefined ? ` [${e.detail.slice(0, 80)}]` : ""}`;
}

function sameEntry(a: DecodedAuditEntry, b: DecodedAuditEntry): boolean {
  return a.eventIndex === b.eventIndex && a.timeNs === b.timeNs && a.call === b.call && a.result === b.result &&
    a.detail === b.detail && a.args.length === b.args.length && a.args.every((v, i) => Object.is(v, b.args[i]));
}

export function replaySession(session: Session): ReplayResult {
  const { meta, feed } = session;
  const strategies = meta.strategies.map((s): StrategyReplay => {
    const w = meta.workers.find((x) => x.worker === s.worker);
    const recorded = session.audit[s.index];
    if (!w || recorded.length === 0) {
      return { index: s.index, label: s.label, ok: false, calls: 0, fuelEvents: 0, auditHash: "", divergence: { what: "missing-capture", eventIndex: -1, expected: "a capture", actual: "none (its worker died before reporting)" } };
    }
    const sandbox = sandboxLimits(s.sandbox);
    const spec = { label: s.label, prepared: prepareModule(session.modules.get(s.codeId)!, sandbox, s.label), params: new Map(Object.entries(s.params)), risk: riskLimits(s.risk), sandbox };
    const log = new AuditLog(`strategy:${s.codeId}`);
    const runner = new StrategyRunner(spec, meta.instruments, log, null, s.index, () => {});
    const trace = new FuelTrace();
    runner.fuelTrace = trace;
    const processed: number[] = [];
    const kills: [number, number][] = [];
    for (let k = 0; k < w.kills.length; k += 3) if (w.kills[k + 1] === s.index) kills.push([w.kills[k], w.kills[k + 2]]);
    let killAt = 0;
    let started = false;
    const words = feed.events;
    for (let r = 0; r < w.ranges.length; r += 2) {
      const start = w.ranges[r];
      const count = w.ranges[r + 1];
      for (let e = start; e < start + count; e++) {
        // Mirror the worker: kill switches apply before the first event of a batch, then start.
        while (killAt < kills.length && kills[killAt][0] === e) runner.setKillSwitch(kills[killAt++][1] as KillSwitchState);
        const at = e * EVENT_RECORD_WORDS;
        if (!started) {
          started = true;
          runner.start(words[at + EventWord.timeHi], words[at + EventWord.timeLo]);
        }
        const kind = words[at + EventWord.kind];
        if (kind !== EventKind.Quote && kind !== EventKind.Trade) continue;
        const before = trace.length;
        runner.onMarket(words, at, e);
        if (trace.length > before) processed.push(e);
      }
    }
    if (!started) runner.start(0, 0);
    runner.stop(w.stopAt);
    const expected = readAuditChains(recorded)[0];
    const actual = readAuditChains(encodeAuditFile([log]))[0];
    let divergence: Divergence | undefined;
    const n = Math.max(expected.entries.length, actual.entries.length);
    for (let i = 0; i < n && !divergence; i++) {
      const a = expected.entries[i];
      const b = actual.entries[i];
      if (!a || !b || !sameEntry(a, b)) {
        divergence = { what: "call", eventIndex: (a ?? b)!.eventIndex, expected: describeCall(a), actual: describeCall(b) };
      }
    }
    const fuelRecorded = session.fuel[s.index];
    const fuelReplayed = trace.toArray();
    if (!divergence) {
      const m = Math.max(fuelRecorded.length, fuelReplayed.length);
      for (let i = 0; i < m; i++) {
        if (fuelRecorded[i] !== fuelReplayed[i]) {
          divergence = { what: "fuel", eventIndex: processed[i] ?? -1, expected: `fuel ${fuelRecorded[i] ?? "(none)"}`, actual: `fuel ${fuelReplayed[i] ?? "(none)"}` };
          break;
        }
      }
    }
    return {
      index: s.index, label: s.label, ok: divergence === undefined && expected.headHex === actual.headHex,
      calls: actual.entries.length, fuelEvents: fuelReplayed.length, auditHash: actual.headHex, divergence,
    };
  });
  return { ok: strategies.every((s) => s.ok), events: meta.events, strategies };
}
