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
import { RECORDS_PER_BLOCK_MAX } from "../feed/recordingFormat.ts";
import { RecordingReader } from "../feed/recordingReader.ts";
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
  const src = o.recording;
  const instruments = src.header.instruments;
  const logs = o.strategies.map((s) => new AuditLog(`strategy:${s.prepared.codeId}`, AUDIT_BLOCK_ENTRIES, o.keepAudit === true));
  const runners = o.strategies.map(
    (s, i) => new StrategyRunner(s, instruments, logs[i], null, i, o.logSink ?? discardLogs),
  );
  const blocks = src instanceof RecordingReader ? streamed(src) : inMemory(src);
  if (o.seriesPoints) {
    const every = Math.max(1, Math.floor(Math.max(0, blocks.expected) / o.seriesPoints));
    for (const r of runners) r.seriesRecorder = new SeriesRecorder(every);
  }
  let n = 0;
  let started = false;
  for (let count; (count = blocks.next()) > 0;) {
    const words = blocks.words;
    if (!started) {
      started = true;
      for (const r of runners) r.start(words[EventWord.timeHi], words[EventWord.timeLo]);
    }
    for (let i = 0; i < count; i++) {
      const at = i * EVENT_RECORD_WORDS;
      const kind = words[at + EventWord.kind];
      if (kind !== EventKind.Quote && kind !== EventKind.Trade) continue;
      for (let s = 0; s < runners.length; s++) runners[s].onMarket(words, at, n + i);
    }
    n += count;
    // The next block is read over these words: the venues copy what they still read.
    for (const r of runners) r.keepEvents();
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

/** The events a backtest goes through, one block at a time in `words` (from record 0). */
interface EventBlocks {
  /** How many events there should be in all (a hint, -1 if unknown). */
  readonly expected: number;
  readonly words: Int32Array;
  /** Makes the next block current; its record count, 0 at the end. */
  next(): number;
}

function inMemory(recording: Recording): EventBlocks {
  let given = false;
  return {
    expected: recording.count,
    words: recording.events,
    next: () => (given ? 0 : ((given = true), recording.count)),
  };
}

/**
 * A recording read block by block into one buffer (a file block holds at
 * most RECORDS_PER_BLOCK_MAX records): memory stays flat however long the
 * recording, and every block is checked (its CRC, its events) before a
 * strategy sees it. A problem found further on — a damaged block, a trailer
 * that does not add up — ends the backtest with the reader's one line.
 */
function streamed(reader: RecordingReader): EventBlocks {
  const words = new Int32Array(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS);
  // A trailer that does not check out fails the read at the end; until then the file's size bounds the count.
  const claimed = reader.claimedEvents();
  return { expected: claimed >= 0 ? claimed : reader.maxEvents(), words, next: () => reader.readBlock(words, 0) };
}
