/**
 * `ringfence sweep --strategy X.wasm --data FILE --param name=v1,v2,… [--param …]
 *  [--risk name=v …] [--fuel N] [--event-fuel N] [--threads N] [--html FILE] [--json]`
 */
import { writeFileWhole } from "../../feed/sinks.ts";
import { basename } from "node:path";
import { buildRunChain } from "../../backtest/runChain.ts";
import type { InstrumentSpec } from "../../feed/instrument.ts";
import { renderHtmlReport } from "../../report/htmlReport.ts";
import { formatFixed } from "../../backtest/summary.ts";
import { checkRecordingFile } from "../../feed/recording.ts";
import { parseGrid } from "../../sweep/grid.ts";
import { runSweep, type SweepResult } from "../../sweep/sweep.ts";
import { intFlag, parseFlags } from "../args.ts";
import { findBuilt } from "../builtPaths.ts";
import { InputError, UsageError } from "../errors.ts";
import { refuseOverwrites } from "../files.ts";
import { loadStrategy, parseRisk, parseSandbox } from "../strategyArgs.ts";

export async function run(argv: string[]): Promise<number> {
  const values = parseFlags("sweep", argv, {
    strategy: { type: "string" },
    data: { type: "string" },
    param: { type: "string", multiple: true },
    risk: { type: "string", multiple: true },
    fuel: { type: "string" },
    "event-fuel": { type: "string" },
    threads: { type: "string" },
    json: { type: "boolean" },
    html: { type: "string" },
  });
  if (!values.strategy) throw new UsageError("sweep: --strategy MODULE.wasm is required");
  if (!values.data) throw new UsageError("sweep: --data FILE is required");
  if (!values.param?.length) throw new UsageError("sweep: at least one --param name=v1,v2,… is required");
  let grid;
  try {
    grid = parseGrid(values.param);
  } catch (e) {
    throw new UsageError(`sweep: ${(e as Error).message}`);
  }
  const threads = values.threads === undefined ? undefined : intFlag("sweep", "threads", values.threads, 1, 1);
  const risk = parseRisk("sweep", values.risk ?? []);
  const sandbox = parseSandbox("sweep", values);
  refuseOverwrites("sweep", [["--html", values.html]], [["--data recording", values.data], ["--strategy module", values.strategy]]);
  // Fail fast, with the reader's one-line message, before starting the pool
  // (read through in constant memory: the workers stream it again per point).
  const recording = checkRecordingFile(values.data);
  const spec = loadStrategy(values.strategy, new Map(), risk, sandbox);
  const total = grid.reduce((n, a) => n * a.values.length, 1);
  const progress = values.json ? undefined : progressBar(total);
  const result = await runSweep({
    dataPath: values.data, label: basename(values.strategy), module: spec.prepared.bytes!, grid, risk, sandbox,
    workerScript: findBuilt("sweep.worker.mjs", "the sweep worker"), threads, onProgress: progress,
    keepTop: values.html !== undefined ? HTML_TOP_POINTS : undefined,
  });
  if (values.html !== undefined) writeSweepHtml(values.html, values.data, basename(values.strategy), result, recording.instruments);
  const { top: _top, ...printable } = result;
  process.stdout.write(values.json ? JSON.stringify(printable) + "\n" : formatSweep(result) + "\n");
  return 0;
}

/** Charts for the best points only: a page per grid point would not scale. */
const HTML_TOP_POINTS = 10;

/**
 * The sweep page: the same self-contained report as `backtest --html`, one
 * section per grid point (the best HTML_TOP_POINTS, in rank order), each
 * labelled with its parameters.
 */
function writeSweepHtml(path: string, data: string, label: string, r: SweepResult, instruments: readonly InstrumentSpec[]): void {
  const strategies = (r.top ?? []).map((s, i) => {
    const row = r.rows[i];
    const params = Object.entries(row.params).map(([k, v]) => `${k}=${v}`).join(" ");
    return { ...s, module: `#${row.rank} ${label} ${params}` };
  });
  const report = { events: r.events, auditHash: buildRunChain(strategies, r.events).headHex, strategies };
  const html = renderHtmlReport(report, {
    title: `ringfence sweep: ${label}, best ${strategies.length} of ${r.points} points`,
    data, generatedBy: "ringfence sweep", instruments,
  });
  try {
    writeFileWhole(path, Buffer.from(html, "utf8"));
  } catch (e) {
    throw new InputError(`sweep: --html ${(e as Error).message}`);
  }
}

function progressBar(total: number): (done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  return (done) => {
    const pct = Math.floor((100 * done) / total);
    if (pct === lastPct && done !== total) return;
    lastPct = pct;
    const bar = "#".repeat(Math.round(pct / 5)).padEnd(20, ".");
    if (tty) process.stderr.write(`\r[${bar}] ${done}/${total} points${done === total ? "\n" : ""}`);
    else if (pct % 25 === 0 || done === total) process.stderr.write(`[${bar}] ${done}/${total} points\n`);
  };
}

export function formatSweep(r: SweepResult): string {
  const names = r.rows.length ? Object.keys(r.rows[0].params) : [];
  const head = ["rank", ...names, "pnl", "sharpe", "maxDD", "orders", "fills", "rejects", "faults"];
  const rows = r.rows.map((row) => [
    String(row.rank), ...names.map((n) => String(row.params[n])), formatFixed(row.pnl, row.pnlDecimals), row.sharpe.toFixed(2),
    formatFixed(row.maxDrawdown, row.pnlDecimals), String(row.orders), String(row.fills), String(row.rejects), row.fault ?? "-",
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((x) => x[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padStart(widths[c])).join("  ");
  return [`sweep: ${r.points} points over ${r.events} events, ranked by PnL then Sharpe`, line(head), ...rows.map(line)].join("\n");
}
