/**
 * Piscina worker for the service's backtest jobs: builds the job's dataset
 * (deterministic: equal specs give equal events), admits and meters each
 * module, runs the in-process backtest and renders the HTML report — all
 * off the server's event loop. Keeps the last dataset and the prepared
 * modules (by code id) between jobs, as the sweep worker does.
 */
import { runBacktest } from "../../backtest/backtest.ts";
import type { Recording } from "../../feed/recording.ts";
import { generateSynthetic } from "../../feed/synthetic.ts";
import { renderHtmlReport } from "../../report/htmlReport.ts";
import { sandboxLimits } from "../../sandbox/limits.ts";
import { prepareModule, type PreparedModule } from "../../sandbox/preparedModule.ts";
import { datasetLabel } from "./datasets.ts";
import type { BacktestTask, BacktestTaskResult } from "./backtestTask.ts";

const sandbox = sandboxLimits();
const MAX_CACHED_MODULES = 32;
const modules = new Map<string, PreparedModule>();
let cachedDataset: { key: string; recording: Recording } | null = null;

function dataset(task: BacktestTask): Recording {
  const key = JSON.stringify(task.dataset);
  if (cachedDataset?.key !== key) {
    const d = task.dataset;
    cachedDataset = { key, recording: generateSynthetic({ seed: d.seed, events: d.events, instruments: d.instruments }) };
  }
  return cachedDataset.recording;
}

function prepared(codeId: string, name: string, bytes: Uint8Array): PreparedModule {
  let p = modules.get(codeId);
  if (p === undefined) {
    if (modules.size >= MAX_CACHED_MODULES) modules.delete(modules.keys().next().value!);
    p = prepareModule(bytes, sandbox, name);
    modules.set(codeId, p);
  }
  return p;
}

export default function runJob(task: BacktestTask): BacktestTaskResult {
  const recording = dataset(task);
  const params = new Map(task.params);
  const { report } = runBacktest({
    recording,
    strategies: task.modules.map((m) => ({ label: m.name, prepared: prepared(m.codeId, m.name, m.bytes), params, risk: task.risk, sandbox })),
    seriesPoints: task.seriesPoints,
  });
  const html = renderHtmlReport(report, {
    title: `ringfence backtest ${task.jobId}`,
    data: datasetLabel(task.dataset),
    generatedBy: "ringfence service",
    instruments: recording.header.instruments,
  });
  return {
    events: report.events,
    auditHash: report.auditHash,
    strategies: report.strategies.map((s, i) => ({
      codeId: s.codeId, name: task.modules[i].name, orders: s.orders, fills: s.fills, position: s.position,
      pnl: s.pnl, pnlDecimals: s.pnlDecimals, faults: s.faults.length, auditHash: s.auditHash,
    })),
    reportJson: JSON.stringify(report),
    html,
  };
}
