/**
 * `npm start`: the embedded default. A deterministic synthetic feed, the
 * example strategies (built into dist/strategies by `npm ci`/`npm run build`),
 * the simulated venue and risk gate, and a readable summary.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { exampleStrategyDir } from "../builtPaths.ts";
import { runBacktest } from "../../backtest/backtest.ts";
import { formatSummary } from "../../backtest/summary.ts";
import { generateSynthetic } from "../../feed/synthetic.ts";
import { intFlag, parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import { loadStrategy, parseRisk, parseSandbox } from "../strategyArgs.ts";

export const DEMO_SEED = 42;
export const DEMO_EVENTS = 200_000;
export const DEMO_INSTRUMENTS = 3;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs("demo", argv, {
    events: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
  });
  const seed = intFlag("demo", "seed", values.seed, DEMO_SEED);
  const events = intFlag("demo", "events", values.events, DEMO_EVENTS, 1);
  const dir = exampleStrategyDir();
  const modules = readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort();
  if (modules.length === 0) throw new InputError(`no example strategies in ${dir}: run 'npm run build' first`);
  const recording = generateSynthetic({ seed, events, instruments: DEMO_INSTRUMENTS });
  const risk = parseRisk("demo", []);
  const sandbox = parseSandbox("demo", undefined);
  const strategies = modules.map((m) => ({ ...loadStrategy(join(dir, m), new Map(), risk, sandbox), label: m.replace(/\.wasm$/, "") }));
  const { report } = runBacktest({ recording, strategies });
  if (values.json) {
    process.stdout.write(JSON.stringify(report) + "\n");
  } else {
    process.stdout.write(`ringfence demo: ${events} synthetic events (seed ${seed}, ${DEMO_INSTRUMENTS} instruments), ${strategies.length} strategies, in-process backtest\n\n`);
    process.stdout.write(formatSummary(report) + "\n");
  }
  return 0;
}
