import { basename } from "node:path";
import { writeAuditFile } from "../../audit/auditFile.ts";
import { runBacktest } from "../../backtest/backtest.ts";
import type { BacktestReport } from "../../backtest/backtest.ts";
import { formatSummary } from "../../backtest/summary.ts";
import { TempFileSink, writeFileWhole } from "../../feed/sinks.ts";
import { renderHtmlReport } from "../../report/htmlReport.ts";
import { RecordingReader } from "../../feed/recordingReader.ts";
import { errorLine } from "../../text/printable.ts";
import { intFlag, parseFlags } from "../args.ts";
import { InputError, UsageError } from "../errors.ts";
import { loadStrategy, parseParams, parseRisk, parseSandbox } from "../strategyArgs.ts";
import { stderrLogSink } from "../logSink.ts";
import { workerScriptPath } from "../builtPaths.ts";
import { refuseOverwrites } from "../files.ts";
import { runWorkerBacktest } from "../../backtest/workerBacktest.ts";

export async function run(argv: string[]): Promise<number> {
  const values = parseFlags("backtest", argv, {
    data: { type: "string" },
    strategy: { type: "string", multiple: true },
    param: { type: "string", multiple: true },
    risk: { type: "string", multiple: true },
    fuel: { type: "string" },
    "event-fuel": { type: "string" },
    audit: { type: "string" },
    json: { type: "boolean" },
    logs: { type: "boolean" },
    workers: { type: "string" },
    html: { type: "string" },
  });
  if (!values.data) throw new UsageError("backtest: --data FILE is required (make one with 'ringfence record synthetic')");
  if (!values.strategy?.length) throw new UsageError("backtest: at least one --strategy MODULE.wasm is required");
  refuseOverwrites("backtest", [["--audit", values.audit], ["--html", values.html]], [["--data recording", values.data], ...values.strategy.map((p) => ["--strategy module", p] as const)]);
  const params = parseParams("backtest", values.param ?? []);
  const risk = parseRisk("backtest", values.risk ?? []);
  const sandbox = parseSandbox("backtest", values);
  const workers = values.workers === undefined ? 0 : intFlag("backtest", "workers", values.workers, 0, 1);
  if (workers > 64) throw new UsageError("backtest: --workers must be ≤ 64");
  if (workers > 0 && (values.audit || values.logs || values.html !== undefined)) throw new UsageError("backtest: --audit, --logs and --html need the in-process backtest (omit --workers)");
  if (workers > 0) {
    // The lossless ring is fed a block at a time too.
    const recording = RecordingReader.openFile(values.data);
    let report;
    try {
      const strategies = values.strategy.map((p) => loadStrategy(p, params, risk, sandbox));
      report = await runWorkerBacktest({ recording, strategies, workers, workerScript: workerScriptPath() });
    } finally {
      recording.close();
    }
    process.stdout.write(values.json ? JSON.stringify(report) + "\n" : formatSummary(report) + "\n");
    return 0;
  }
  const html = values.html;
  // In process, the recording is streamed a block at a time: its header is
  // checked here, before any module is loaded, and the rest as it is read.
  const recording = RecordingReader.openFile(values.data);
  let run;
  try {
    const strategies = values.strategy.map((p) => loadStrategy(p, params, risk, sandbox));
    run = runBacktest({
      recording,
      strategies,
      keepAudit: values.audit !== undefined,
      logSink: values.logs ? stderrLogSink : undefined,
      // Chart series only when a page will show them: the plain run stays as it was.
      ...(html !== undefined ? { seriesPoints: HTML_SERIES_POINTS } : {}),
    });
  } finally {
    recording.close();
  }
  const { report, auditLogs } = run;
  // Streamed through a temp file and renamed: a failed write (a full disk)
  // never leaves a short file under the name, and the report still prints
  // before the error ends the command.
  let auditFailure: string | null = null;
  if (values.audit) {
    try {
      const sink = new TempFileSink(values.audit);
      try {
        writeAuditFile(auditLogs, sink);
      } catch (e) {
        sink.abort();
        throw e;
      }
      sink.end();
    } catch (e) {
      auditFailure = `backtest: audit file ${errorLine(e)}`;
    }
  }
  if (html !== undefined) {
    const page = renderHtmlReport(report, {
      title: `ringfence backtest: ${basename(values.data)}`,
      data: values.data,
      generatedBy: "ringfence backtest",
      instruments: recording.header.instruments,
    });
    // Temp file + rename: a half-written page never has the name.
    try {
      writeFileWhole(html, Buffer.from(page, "utf8"));
    } catch (e) {
      throw new InputError(`backtest: --html ${(e as Error).message}`);
    }
  }
  // The series belong to the page; --json prints the same report with or without --html.
  const printed = html === undefined ? report : withoutSeries(report);
  process.stdout.write(values.json ? JSON.stringify(printed) + "\n" : formatSummary(printed) + "\n");
  if (auditFailure !== null) throw new InputError(auditFailure);
  return 0;
}

/** Points per strategy chart in --html pages. */
const HTML_SERIES_POINTS = 2000;

function withoutSeries(report: BacktestReport): BacktestReport {
  return { ...report, strategies: report.strategies.map(({ series: _series, ...rest }) => rest) };
}
