/**
 * `ringfence bench backtest`: in-process backtest speed (venue, risk and
 * audit included) on one core, for the example strategies alone and
 * together, against a metered no-op strategy measured in the same run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import binaryen from "binaryen";
import { runBacktest } from "../host/backtest/backtest.ts";
import type { StrategySpec } from "../host/engine/strategyRunner.ts";
import { generateSynthetic } from "../host/feed/synthetic.ts";
import { riskLimits } from "../host/risk/riskLimits.ts";
import { sandboxLimits } from "../host/sandbox/limits.ts";
import { prepareModule } from "../host/sandbox/preparedModule.ts";

export interface BacktestBenchResult {
  events: number;
  rounds: number;
  /** Events per second (market events; each delivered to every strategy) with all examples together. */
  eventsPerSec: number;
  /** Strategy-events per second (events × strategies). */
  strategyEventsPerSec: number;
  noopEventsPerSec: number;
  perStrategy: { name: string; eventsPerSec: number; ratioVsNoop: number }[];
}

const NOOP_WAT = `(module
  (memory (export "memory") 1 1)
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start")) (func (export "rf_on_market")) (func (export "rf_on_order"))
  (func (export "rf_on_timer")) (func (export "rf_stop")))`;

function noopBytes(): Uint8Array {
  const m = binaryen.parseText(NOOP_WAT);
  try {
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

export async function runBacktestBench(o: { events: number; rounds: number; strategyDir: string }): Promise<BacktestBenchResult> {
  const recording = generateSynthetic({ seed: 42, events: o.events, instruments: 3 });
  const sandbox = sandboxLimits();
  const risk = riskLimits();
  const mk = (name: string, bytes: Uint8Array): StrategySpec => ({ label: name, prepared: prepareModule(bytes, sandbox, name), params: new Map(), risk, sandbox });
  const names = ["market-maker", "momentum", "mean-reversion"];
  const examples = names.map((n) => mk(n, new Uint8Array(readFileSync(join(o.strategyDir, `${n}.wasm`)))));
  const noop = mk("noop", noopBytes());
  const time = (strategies: StrategySpec[]): number => {
    let best = Infinity;
    for (let r = 0; r < o.rounds; r++) {
      const t0 = performance.now();
      runBacktest({ recording, strategies });
      best = Math.min(best, performance.now() - t0);
    }
    return o.events / (best / 1000);
  };
  time([noop]); // warm-up
  const results = { noop: 0, all: 0, each: new Map<string, number>() };
  // Interleave mechanisms round by round so drift hits all of them alike.
  for (let round = 0; round < 2; round++) {
    results.noop = Math.max(results.noop, time([noop]));
    for (const s of examples) results.each.set(s.label, Math.max(results.each.get(s.label) ?? 0, time([s])));
    results.all = Math.max(results.all, time(examples));
  }
  return {
    events: o.events,
    rounds: o.rounds,
    eventsPerSec: Math.round(results.all),
    strategyEventsPerSec: Math.round(results.all * examples.length),
    noopEventsPerSec: Math.round(results.noop),
    perStrategy: names.map((name) => ({
      name,
      eventsPerSec: Math.round(results.each.get(name)!),
      ratioVsNoop: Number((results.noop / results.each.get(name)!).toFixed(2)),
    })),
  };
}

export function formatBacktestBench(r: BacktestBenchResult, command: string): string {
  const lines = [
    `$ ${command}`,
    `backtest, ${r.events} synthetic events (3 instruments), best of ${r.rounds} per round, venue + risk + audit included, one core`,
    `  metered no-op strategy        ${fmt(r.noopEventsPerSec)} events/s`,
  ];
  for (const s of r.perStrategy) lines.push(`  ${s.name.padEnd(28)}  ${fmt(s.eventsPerSec)} events/s  (${s.ratioVsNoop}x the no-op's time)`);
  lines.push(`  all three together            ${fmt(r.eventsPerSec)} events/s  (${fmt(r.strategyEventsPerSec)} strategy-events/s)`);
  return lines.join("\n");
}

function fmt(n: number): string {
  return n.toLocaleString("en-US").padStart(12);
}
