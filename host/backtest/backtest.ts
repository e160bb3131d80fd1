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
import { eventFeed } from "../feed/eventFeed.ts";
import type { RecordingReader } from "../feed/recordingReader.ts";
import { SeriesRecorder } from "../engine/seriesRecorder.ts";
import { StrategyRunner, type LogSink, type StrategyReport, type StrategySpec } from "../engine/strategyRunner.ts";

export interface BacktestOptions {
  /** The events: a recording in memory, or a reader streamed block by block (memory flat in the recording's length). */
  readonly recording: Recording | RecordingReader;
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
  // A file is read a block at a time (eventFeed): every block checked before a
  // strategy sees it, memory flat in the recording's length.
  // Opened first, so a file whose trailer does not hold is refused before any module is instantiated.
  // A block is read over the words the venues may still read quotes from: they copy them first.
  const feed = eventFeed(o.recording, { beforeRefill: () => runners.forEach((r) => r.keepEvents()) });
  const logs = o.strategies.map((s) => new AuditLog(`strategy:${s.prepared.codeId}`, AUDIT_BLOCK_ENTRIES, o.keepAudit === true));
  const runners = o.strategies.map(
    (s, i) => new StrategyRunner(s, feed.instruments, logs[i], null, i, o.logSink ?? discardLogs),
  );
  if (o.seriesPoints) {
    const every = Math.max(1, Math.floor(feed.total / o.seriesPoints));
    for (const r of runners) r.seriesRecorder = new SeriesRecorder(every);
  }
  let n = 0;
  let started = false;
  for (let count; (count = feed.available(n)) > 0;) {
    const words = feed.words;
    const first = (n - feed.base) * EVENT_RECORD_WORDS;
    if (!started) {
      started = true;
      for (const r of runners) r.start(words[first + EventWord.timeHi], words[first + EventWord.timeLo]);
    }
    for (let i = 0; i < count; i++) {
      const at = first + i * EVENT_RECORD_WORDS;
      const kind = words[at + EventWord.kind];
      if (kind !== EventKind.Quote && kind !== EventKind.Trade) continue;
      for (let s = 0; s < runners.length; s++) runners[s].onMarket(words, at, n + i);
    }
    n += count;
  }
  if (!started) for (const r of runners) r.start(0, 0);
  for (const r of runners) r.stop(n);
  const strategies = runners.map((r) => r.report());
  const runAudit = buildRunChain(strategies, n);
  return {
    report: { events: n, auditHash: runAudit.headHex, strategies },
    auditLogs: [runAudit, ...logs],
  };
}
