/**
 * Piscina worker for sweeps: one task = one backtest of one grid point.
 * Caches the admitted, metered module across tasks, so a grid pays for
 * metering once per thread. The recording is streamed for each point, a
 * block at a time (the file is in the page cache after the first): held
 * whole, every thread kept its own copy of it.
 */
import { runBacktest } from "../backtest/backtest.ts";
import { RecordingError } from "../feed/recordingError.ts";
import { RecordingReader } from "../feed/recordingReader.ts";
import { prepareModule, type PreparedModule } from "../sandbox/preparedModule.ts";
import type { SweepTask, SweepTaskResult } from "./sweepTask.ts";

const modules = new Map<string, PreparedModule>();

export default function runPoint(task: SweepTask): SweepTaskResult {
  const key = `${task.sandbox.maxMemoryPages}/${task.sandbox.stackBudget}`;
  let prepared = modules.get(key);
  if (!prepared) modules.set(key, (prepared = prepareModule(task.module, task.sandbox, task.label)));
  let report;
  try {
    const recording = RecordingReader.openFile(task.dataPath);
    try {
      report = runBacktest({
        recording,
        strategies: [{ label: task.label, prepared, params: new Map(task.params), risk: task.risk, sandbox: task.sandbox }],
        seriesPoints: task.seriesPoints,
      }).report;
    } finally {
      recording.close();
    }
  } catch (e) {
    // Crossing the thread, an error loses its class: say it is the recording's.
    if (e instanceof RecordingError) return { point: task.point, recordingError: e.message };
    throw e;
  }
  return { point: task.point, events: report.events, report: report.strategies[0] };
}
