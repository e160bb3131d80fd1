/**
 * The same backtest spread over N strategy workers through the lossless
 * broadcast ring: every strategy sees every event, in order, exactly once,
 * so each strategy's entry — and the run chain built from them — is
 * identical to the in-process backtest for any worker count, ring size or
 * batch size (tested in test/stress/workerBacktest.test.ts).
 */
import type { StrategyReport, StrategySpec } from "../engine/strategyRunner.ts";
import type { Recording } from "../feed/recording.ts";
import type { RecordingReader } from "../feed/recordingReader.ts";
import { runLive } from "../live/liveRun.ts";
import { RingPolicy } from "../ring/broadcastLayout.ts";
import type { WaitMode } from "../ring/wait/index.ts";
import type { BacktestReport } from "./backtest.ts";

export interface WorkerBacktestOptions {
  /** In memory, or a file's reader streamed a block at a time. */
  readonly recording: Recording | RecordingReader;
  readonly strategies: readonly StrategySpec[];
  readonly workers: number;
  readonly workerScript: string;
  readonly wait?: WaitMode;
  readonly ringCapacity?: number;
  readonly publishBatch?: number;
  readonly pollBatch?: number;
}

export class WorkerBacktestError extends Error {}

export async function runWorkerBacktest(o: WorkerBacktestOptions): Promise<BacktestReport> {
  const live = await runLive({
    recording: o.recording,
    strategies: o.strategies,
    workers: o.workers,
    wait: o.wait ?? "hybrid",
    policy: RingPolicy.Lossless,
    durationMs: 0,
    ratePerSec: 0,
    workerScript: o.workerScript,
    ringCapacity: o.ringCapacity,
    publishBatch: o.publishBatch,
    pollBatch: o.pollBatch,
    // A backtest may legitimately spend long in one callback (huge fuel
    // budgets); the watchdog here only catches a dead worker.
    watchdogMs: 60_000,
  });
  const strategies: StrategyReport[] = live.strategies.map((s) => {
    if (s.liveFault && s.liveFault.startsWith("disconnect")) throw new WorkerBacktestError(`strategy worker died during the backtest (${s.liveFault})`);
    const { liveFault: _f, cancelledOnDisconnect: _c, restarts: _r, restartHistory: _h, index: _i, ...report } = s as StrategyReport & {
      liveFault: unknown; cancelledOnDisconnect: unknown; restarts: unknown; restartHistory: unknown; index?: unknown;
    };
    return report;
  });
  return { events: live.events, auditHash: live.auditHash, strategies };
}
