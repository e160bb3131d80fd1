/**
 * Piscina worker for sweeps: one task = one backtest of one grid point.
 * Caches the recording (by path) and the admitted, metered module (by code
 * id) across tasks, so a grid pays for reading and metering once per thread.
 */
import { runBacktest } from "../backtest/backtest.ts";
import { readRecordingFile, type Recording } from "../feed/recording.ts";
import { prepareModule, type PreparedModule } from "../sandbox/preparedModule.ts";
import type { SweepTask, SweepTaskResult } from "./sweepTask.ts";

const recordings = new Map<string, Recording>();
const modules = new Map<string, PreparedModule>();

export default function runPoint(task: SweepTask): SweepTaskResult {
  let recording = recordings.get(task.dataPath);
  if (!recording) recordings.set(task.dataPath, (recording = readRecordingFile(task.dataPath)));
  const key = `${task.sandbox.maxMemoryPages}/${task.sandbox.stackBudget}`;
  let prepared = modules.get(key);
  if (!prepared) modules.set(key, (prepared = prepareModule(task.module, task.sandbox, task.label)));
  const { report } = runBacktest({
    recording,
    strategies: [{ label: task.label, prepared, params: new Map(task.params), risk: task.risk, sandbox: task.sandbox }],
    seriesPoints: task.seriesPoints,
  });
  return { point: task.point, events: report.events, report: report.strategies[0] };
}
