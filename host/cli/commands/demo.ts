/**
 * `npm start`: the embedded default. A deterministic synthetic feed, the
 * example strategies (built into dist/strategies by `npm ci`/`npm run build`),
 * the simulated venue and risk gate, and a readable summary.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBacktest } from "../../backtest/backtest.ts";
import { formatSummary } from "../../backtest/summary.ts";
import { generateSynthetic } from "../../feed/synthetic.ts";
import { intFlag, parseCommandArgs } from "../args.ts";
import { InputError } from "../errors.ts";
import { loadStrategy, parseRisk, parseSandbox } from "../strategyArgs.ts";

export const DEMO_SEED = 42;
export const DEMO_EVENTS = 200_000;
export const DEMO_INSTRUMENTS = 3;

/** dist/strategies next to the bundled CLI (dist/cli.mjs or dist/chunks/*.mjs). */
export function exampleStrategyDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, "strategies");
    if (existsSync(join(dir, "cli.mjs")) && existsSync(candidate)) return candidate;
    const dist = join(dir, "dist", "strategies");
    if (existsSync(dist)) return dist;
    dir = dirname(dir);
  }
  throw new InputError("example strategies are not built: run 'npm run build' first");
}

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
