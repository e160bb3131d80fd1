/**
 * `ringfence run`: paper trading through the rings and strategy workers.
 */
import { generateSynthetic } from "../../feed/synthetic.ts";
import { readRecordingFile } from "../../feed/recording.ts";
import { runLive } from "../../live/liveRun.ts";
import { TerminalView } from "../../live/terminalView.ts";
import { RingPolicy } from "../../ring/broadcastLayout.ts";
import { WAIT_MODES, type WaitMode } from "../../ring/wait/index.ts";
import { intFlag, parseCommandArgs } from "../args.ts";
import { existsSync } from "node:fs";
import { UsageError } from "../errors.ts";
import { writeSession } from "../../replay/session.ts";
import { workerScriptPath } from "../builtPaths.ts";
import { loadStrategy, parseParams, parseRisk, parseSandbox } from "../strategyArgs.ts";

const DEFAULT_RATE = 100_000;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("run", argv, {
    feed: { type: "string" },
    strategy: { type: "string", multiple: true },
    workers: { type: "string" },
    wait: { type: "string" },
    duration: { type: "string" },
    rate: { type: "string" },
    events: { type: "string" },
    seed: { type: "string" },
    lossless: { type: "boolean" },
    param: { type: "string", multiple: true },
    risk: { type: "string", multiple: true },
    fuel: { type: "string" },
    json: { type: "boolean" },
    record: { type: "string" },
  });
  if (positionals.length > 0) throw new UsageError(`run: unexpected argument '${positionals[0]}'`);
  if (!values.strategy?.length) throw new UsageError("run: at least one --strategy MODULE.wasm is required");
  const wait = (values.wait ?? "spin") as WaitMode;
  if (!WAIT_MODES.includes(wait)) throw new UsageError(`run: --wait must be one of ${WAIT_MODES.join("|")}, got '${values.wait}'`);
  const workers = intFlag("run", "workers", values.workers, 1, 1);
  if (workers > 64) throw new UsageError("run: --workers must be ≤ 64");
  const durationS = intFlag("run", "duration", values.duration, 0);
  // Paper trading replays at a market-like pace by default; --rate 0 is as
  // fast as the ring allows (live rings then lap slow readers, by design).
  const rate = intFlag("run", "rate", values.rate, values.lossless ? 0 : DEFAULT_RATE);
  const feed = values.feed ?? "synthetic";
  const recording = feed === "synthetic"
    ? generateSynthetic({ seed: intFlag("run", "seed", values.seed, 42), events: intFlag("run", "events", values.events, 1_000_000, 1), instruments: 3 })
    : readRecordingFile(feed);
  const risk = parseRisk("run", values.risk ?? []);
  const sandbox = parseSandbox("run", values.fuel === undefined ? undefined : intFlag("run", "fuel", values.fuel, 0, 1));
  const params = parseParams("run", values.param ?? []);
  const strategies = values.strategy.map((p) => loadStrategy(p, params, risk, sandbox));
  if (values.record !== undefined && existsSync(values.record)) throw new UsageError(`run: --record '${values.record}' already exists; choose a new session name`);
  const view = values.json ? null : new TerminalView(process.stderr);
  const report = await runLive({
    recording, strategies, workers, wait,
    policy: values.lossless ? RingPolicy.Lossless : RingPolicy.Live,
    durationMs: durationS * 1000, ratePerSec: rate, workerScript: workerScriptPath(),
    onTick: view ? (t, ms) => view.draw(t, ms) : undefined,
    viewEveryMs: process.stderr.isTTY ? 250 : 1000,
    record: values.record !== undefined,
  });
  const { capture, ...printable } = report;
  if (values.record !== undefined && capture) {
    writeSession(values.record, {
      recording, strategies, capture,
      config: { wait, workers, policy: values.lossless ? "lossless" : "live", ratePerSec: rate },
    });
    process.stderr.write(`recorded session ${values.record}: ${capture.published} events, ${strategies.length} strategies (replay with 'ringfence replay ${values.record}')\n`);
  }
  if (values.json) process.stdout.write(JSON.stringify(printable) + "\n");
  else {
    const t = report.telemetry;
    process.stdout.write(`events ${report.events} in ${t.wallMs} ms (${t.eventsPerSec} ev/s), ${t.workers} worker(s), wait ${t.wait}; tick→order p50 ${t.tickToOrder.p50Ns} ns p99 ${t.tickToOrder.p99Ns} ns; gaps ${t.gapRecords}\n`);
    const st = t.stages;
    const us = (p: { p50Ns: number; p99Ns: number }) => `p50 ${(p.p50Ns / 1000).toFixed(2)} µs / p99 ${(p.p99Ns / 1000).toFixed(2)} µs`;
    process.stdout.write(`stages: feed→worker ${us(st.feedToWorker)}; strategies per event ${us(st.callback)}; risk ${us(st.risk)}; order→host ${us(st.orderToHost)}\n`);
    for (const s of report.strategies) {
      process.stdout.write(`${s.module}: orders ${s.orders} fills ${s.fills} rejects ${s.rejects} position ${s.position} pnl ${s.pnl}e-${s.pnlDecimals}${s.faults.length ? ` FAULT ${s.faults[0].kind}: ${s.faults[0].message}` : ""}\n`);
    }
  }
  return 0;
}
