/**
 * `ringfence bench <name> [--json] [options]`: the benchmark suites under
 * bench/. Each entry of BENCHES parses its own flags and prints either a
 * human report (headed by the command line that reproduces it) or one JSON
 * object. Add a suite by adding an entry; the benchmarks themselves live in
 * bench/, never here.
 *
 * Exit 0 done, 1 the benchmark failed, 2 usage.
 */
import { intFlag, parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";

const COMMAND = "bench";

interface BenchEntry {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

function print(json: boolean, result: unknown, human: () => string): void {
  process.stdout.write((json ? JSON.stringify(result) : human()) + "\n");
}

const BENCHES: Readonly<Record<string, BenchEntry>> = {
  fuel: {
    summary: "metered vs plain run time of the kernel suite [--json] [--rounds N]",
    async run(argv) {
      const { values } = parseCommandArgs(`${COMMAND} fuel`, argv, { json: { type: "boolean" }, rounds: { type: "string" } });
      const { DEFAULT_FUEL_BENCH, formatFuelBench, runFuelBench } = await import("../../../bench/fuel.ts");
      const rounds = intFlag(`${COMMAND} fuel`, "rounds", values.rounds, DEFAULT_FUEL_BENCH.rounds, 1);
      const result = runFuelBench({ ...DEFAULT_FUEL_BENCH, rounds });
      print(values.json === true, result, () => formatFuelBench(result, `ringfence bench fuel --rounds ${rounds}`));
      return 0;
    },
  },
  admission: {
    summary: "verify + meter a ~100 KB module, cold and warm [--json] [--rounds N]",
    async run(argv) {
      const { values } = parseCommandArgs(`${COMMAND} admission`, argv, { json: { type: "boolean" }, rounds: { type: "string" } });
      const { DEFAULT_ADMISSION_BENCH, formatAdmissionBench, runAdmissionBench } = await import("../../../bench/admission.ts");
      const rounds = intFlag(`${COMMAND} admission`, "rounds", values.rounds, DEFAULT_ADMISSION_BENCH.rounds, 1);
      const result = runAdmissionBench({ rounds });
      print(values.json === true, result, () => formatAdmissionBench(result, `ringfence bench admission --rounds ${rounds}`));
      return 0;
    },
  },
  latency: {
    summary: "tick-to-order round trip: floor, ring (spin, hybrid), postMessage, piscina [--json] [--quick] [--rounds N] [--samples N] [--warmup N]",
    async run(argv) {
      const name = `${COMMAND} latency`;
      const { values } = parseCommandArgs(name, argv, {
        json: { type: "boolean" }, quick: { type: "boolean" }, rounds: { type: "string" }, samples: { type: "string" }, warmup: { type: "string" },
      });
      const { DEFAULT_LATENCY_BENCH, QUICK_LATENCY_BENCH, formatLatencyBench, runLatencyBench } = await import("../../../bench/latency.ts");
      const base = values.quick === true ? QUICK_LATENCY_BENCH : DEFAULT_LATENCY_BENCH;
      const options = {
        rounds: intFlag(name, "rounds", values.rounds, base.rounds, 1),
        samplesPerRound: intFlag(name, "samples", values.samples, base.samplesPerRound, 1),
        warmupPerRound: intFlag(name, "warmup", values.warmup, base.warmupPerRound, 0),
      };
      const result = await runLatencyBench(options);
      const command = `ringfence bench latency --rounds ${options.rounds} --samples ${options.samplesPerRound} --warmup ${options.warmupPerRound}`;
      print(values.json === true, result, () => formatLatencyBench(result, command));
      return 0;
    },
  },
  throughput: {
    summary: "one-way events/s into one worker: no-op strategy, ring alone, in-process [--json] [--quick] [--events N] [--batch N] [--rounds N]",
    async run(argv) {
      const name = `${COMMAND} throughput`;
      const { values } = parseCommandArgs(name, argv, {
        json: { type: "boolean" }, quick: { type: "boolean" }, events: { type: "string" }, batch: { type: "string" }, rounds: { type: "string" }, warmup: { type: "string" },
      });
      const { DEFAULT_THROUGHPUT_BENCH, QUICK_THROUGHPUT_BENCH, formatThroughputBench, runThroughputBench } = await import("../../../bench/throughput.ts");
      const base = values.quick === true ? QUICK_THROUGHPUT_BENCH : DEFAULT_THROUGHPUT_BENCH;
      const options = {
        events: intFlag(name, "events", values.events, base.events, 1),
        batch: intFlag(name, "batch", values.batch, base.batch, 1),
        rounds: intFlag(name, "rounds", values.rounds, base.rounds, 1),
        warmupEvents: intFlag(name, "warmup", values.warmup, base.warmupEvents, 0),
      };
      if (options.batch > 4096) throw new UsageError(`${name}: --batch must be at most 4096, got ${options.batch}`);
      if (options.events + options.warmupEvents > 0x7fffffff) throw new UsageError(`${name}: --events plus --warmup must be below 2^31`);
      const result = await runThroughputBench(options);
      const command = `ringfence bench throughput --events ${options.events} --batch ${options.batch} --rounds ${options.rounds} --warmup ${options.warmupEvents}`;
      print(values.json === true, result, () => formatThroughputBench(result, command));
      return 0;
    },
  },
  backtest: {
    summary: "in-process backtest events/s of the example strategies vs a metered no-op [--json] [--events N] [--rounds N]",
    async run(argv) {
      const name = `${COMMAND} backtest`;
      const { values } = parseCommandArgs(name, argv, { json: { type: "boolean" }, events: { type: "string" }, rounds: { type: "string" } });
      const events = intFlag(name, "events", values.events, 200_000, 1000);
      const rounds = intFlag(name, "rounds", values.rounds, 3, 1);
      const { exampleStrategyDir } = await import("../builtPaths.ts");
      const { formatBacktestBench, runBacktestBench } = await import("../../../bench/backtest.ts");
      const result = await runBacktestBench({ events, rounds, strategyDir: exampleStrategyDir() });
      print(values.json === true, result, () => formatBacktestBench(result, `ringfence bench backtest --events ${events} --rounds ${rounds}`));
      return 0;
    },
  },
};

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const entry = name === undefined ? undefined : BENCHES[name];
  if (entry === undefined) {
    const known = Object.entries(BENCHES).map(([n, b]) => `${n} (${b.summary})`).join("; ");
    const what = name === undefined ? "missing benchmark name" : `unknown benchmark '${name}'`;
    throw new UsageError(`${COMMAND}: ${what}; expected one of: ${known}`);
  }
  return entry.run(rest);
}
