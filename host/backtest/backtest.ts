/**
 * In-process backtest: every strategy over one recording, on this thread.
 * Each strategy has its own venue, risk gate and audit chain, so its report
 * does not depend on which strategies run beside it; the run chain records
 * every host call of every strategy in (event, strategy) order.
 */
import { EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import { EventKind } from "../abi/codes.ts";
import { AUDIT_BLOCK_ENTRIES } from "../audit/auditFormat.ts";
import { AuditLog } from "../audit/auditLog.ts";
import { buildRunChain } from "./runChain.ts";
import type { Recording } from "../feed/recording.ts";
import { SeriesRecorder } from "../engine/seriesRecorder.ts";
import { StrategyRunner, type LogSink, type StrategyReport, type StrategySpec } from "../engine/strategyRunner.ts";

export interface BacktestOptions {
  readonly recording: Recording;
  readonly strategies: readonly StrategySpec[];
  readonly logSink?: LogSink;
  /** Collect chart series (for --html reports): about this many points per strategy. */
  readonly seriesPoints?: number;
  /**
   * Hold every strategy chain's entries, to write an audit file or read them
   * back. Off, each chain keeps only its head: the heads (and so the
   * report) are the same, and memory stays flat however much a strategy
   * calls the host (a log-spamming strategy held ~10 MB of entries per event).
   */
  readonly keepAudit?: boolean;
}

export interface BacktestReport {
  events: number;
  auditHash: string;
  strategies: StrategyReport[];
}

export interface BacktestRun {
  readonly report: BacktestReport;
  /** The run chain first, then one chain per strategy (for `--audit FILE`; entries held only with keepAudit). */
  readonly auditLogs: readonly AuditLog[];
}

const discardLogs: LogSink = () => {};

export function runBacktest(o: BacktestOptions): BacktestRun {
  const { recording } = o;
  const instruments = recording.header.instruments;
  const logs = o.strategies.map((s) => new AuditLog(`strategy:${s.prepared.codeId}`, AUDIT_BLOCK_ENTRIES, o.keepAudit === true));
  const runners = o.strategies.map(
    (s, i) => new StrategyRunner(s, instruments, logs[i], null, i, o.logSink ?? discardLogs),
  );
  const words = recording.events;
  const n = recording.count;
  if (o.seriesPoints) {
    const every = Math.max(1, Math.floor(n / o.seriesPoints));
    for (const r of runners) r.seriesRecorder = new SeriesRecorder(every);
  }
  for (const r of runners) r.start(n > 0 ? words[EventWord.timeHi] : 0, n > 0 ? words[EventWord.timeLo] : 0);
  for (let e = 0; e < n; e++) {
    const at = e * EVENT_RECORD_WORDS;
    const kind = words[at + EventWord.kind];
    if (kind !== EventKind.Quote && kind !== EventKind.Trade) continue;
    for (let s = 0; s < runners.length; s++) runners[s].onMarket(words, at, e);
  }
  for (const r of runners) r.stop(n);
  const strategies = runners.map((r) => r.report());
  const runAudit = buildRunChain(strategies, n);
  return {
    report: { events: n, auditHash: runAudit.headHex, strategies },
    auditLogs: [runAudit, ...logs],
  };
}
