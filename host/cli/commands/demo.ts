/**
 * `npm start`: the embedded default. A deterministic synthetic feed and the
 * example strategies (built into dist/strategies by `npm ci`/`npm run build`)
 * paper-trade through the bypass path — broadcast ring, strategy workers,
 * risk gate, simulated venue, order rings — with the live terminal view,
 * then a summary. `--in-process` runs the same as an in-process backtest.
 */
import { readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { exampleStrategyDir, workerScriptPath } from "../builtPaths.ts";
import { runBacktest } from "../../backtest/backtest.ts";
import { formatSummary } from "../../backtest/summary.ts";
import { generateSynthetic } from "../../feed/synthetic.ts";
import { defaultWorkerCount, runLive } from "../../live/liveRun.ts";
import { TerminalView } from "../../live/terminalView.ts";
import { RingPolicy } from "../../ring/broadcastLayout.ts";
import { intFlag, parseFlags } from "../args.ts";
import { InputError } from "../errors.ts";
import { loadStrategy, parseRisk, parseSandbox } from "../strategyArgs.ts";

export const DEMO_SEED = 42;
export const DEMO_EVENTS = 200_000;
export const DEMO_INSTRUMENTS = 3;
/** Events per second the demo feed publishes: ~2 s of paper trading. */
export const DEMO_RATE = 100_000;
/** A tick-to-order p99 above this is preemption (a scheduler slice is milliseconds), not the µs path. */
export const SCHEDULER_TAIL_NS = 100_000;

/**
 * The line the summary adds when the p99 is a scheduler slice: `spinning`
 * busy threads (the feed and each worker) with no core left over for V8's
 * helper threads. Null when the p99 is in the path's range or cores suffice.
 */
export function schedulerTailHint(p99Ns: number, spinning: number, cores: number): string | null {
  if (!(p99Ns > SCHEDULER_TAIL_NS) || cores > spinning) return null;
  return `a p99 past ${SCHEDULER_TAIL_NS / 1000} µs with ${spinning} spinning threads on ${cores} cores: ` +
    `they share those cores with V8's helper threads, and a thread that loses its core waits out a scheduler slice (docs/datapath.md, "Paper-run tails"); ` +
    "give each spinning thread a core of its own; `npx ringfence bench latency` times the path alone";
}

export async function run(argv: string[]): Promise<number> {
  const values = parseFlags("demo", argv, {
    events: { type: "string" },
    seed: { type: "string" },
    rate: { type: "string" },
    workers: { type: "string" },
    "in-process": { type: "boolean" },
    json: { type: "boolean" },
  });
  const seed = intFlag("demo", "seed", values.seed, DEMO_SEED);
  const events = intFlag("demo", "events", values.events, DEMO_EVENTS, 1);
  const rate = intFlag("demo", "rate", values.rate, DEMO_RATE, 1);
  // As `run` (one core for the feed thread), at most 2 for the demo's three
  // strategies: spinning more threads than cores only adds scheduler delay.
  const workers = intFlag("demo", "workers", values.workers, Math.min(2, defaultWorkerCount(3, availableParallelism())), 1);
  const dir = exampleStrategyDir();
  const modules = readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort();
  if (modules.length === 0) throw new InputError(`no example strategies in ${dir}: run 'npm run build' first`);
  const recording = generateSynthetic({ seed, events, instruments: DEMO_INSTRUMENTS });
  const risk = parseRisk("demo", []);
  const sandbox = parseSandbox("demo", {});
  const strategies = modules.map((m) => ({ ...loadStrategy(join(dir, m), new Map(), risk, sandbox), label: m.replace(/\.wasm$/, "") }));
  if (values["in-process"]) {
    const { report } = runBacktest({ recording, strategies });
    if (values.json) process.stdout.write(JSON.stringify(report) + "\n");
    else {
      process.stdout.write(`ringfence demo: ${events} synthetic events (seed ${seed}, ${DEMO_INSTRUMENTS} instruments), ${strategies.length} strategies, in-process backtest\n\n`);
      process.stdout.write(formatSummary(report) + "\n");
    }
    return 0;
  }
  if (!values.json) {
    process.stdout.write(`ringfence demo: ${events} synthetic events (seed ${seed}, ${DEMO_INSTRUMENTS} instruments) at ${rate} ev/s, ` +
      `${strategies.length} strategies on ${Math.min(workers, strategies.length)} worker(s), paper trading through the rings (wait: hybrid)\n\n`);
  }
  const view = values.json ? null : new TerminalView(process.stdout);
  const report = await runLive({
    recording, strategies, workers, wait: "hybrid", policy: RingPolicy.Live, durationMs: 0, ratePerSec: rate,
    workerScript: workerScriptPath(), onTick: view ? (t, ms) => view.draw(t, ms) : undefined, viewEveryMs: process.stdout.isTTY ? 250 : 1000,
  });
  const { capture: _capture, ...printable } = report;
  if (values.json) process.stdout.write(JSON.stringify(printable) + "\n");
  else {
    const t = report.telemetry;
    process.stdout.write(`\n${formatSummary(report)}\n`);
    process.stdout.write(`tick→order p50 ${(t.tickToOrder.p50Ns / 1000).toFixed(1)} µs, p99 ${(t.tickToOrder.p99Ns / 1000).toFixed(1)} µs over ${t.tickToOrder.samples} orders; ` +
      `ring lag max ${t.maxRingLag}, gaps ${t.gapRecords} (a live ring laps a slow reader rather than stall the feed)\n`);
    const hint = schedulerTailHint(t.tickToOrder.p99Ns, 1 + Math.min(workers, strategies.length), availableParallelism());
    if (hint !== null) process.stdout.write(hint + "\n");
  }
  return 0;
}
