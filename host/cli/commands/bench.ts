/**
 * `ringfence bench <name> [--json] [options]`: the benchmark suites under
 * bench/. Each entry of BENCHES parses its own flags and prints either a
 * human report (headed by the command line that reproduces it) or one JSON
 * object. Add a suite by adding an entry; the benchmarks themselves live in
 * bench/, never here.
 *
 * Exit 0 done, 1 the benchmark failed, 2 usage.
 */
import { errorLine } from "../../text/printable.ts";
import { intFlag, parseFlags } from "../args.ts";
import { CliError, UsageError } from "../errors.ts";

const COMMAND = "bench";

interface BenchEntry {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

/** A benchmark that could not finish (a worker stalled, dist/ not built) is a one-line failure, exit 1. */
async function orFail<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${name}: ${errorLine(e)}`);
  }
}

function print(json: boolean, result: unknown, human: () => string): void {
  process.stdout.write((json ? JSON.stringify(result) : human()) + "\n");
}

/**
 * Backtest speed of the example strategies on one core. `bench replay` (the
 * record-and-replay issue's name for it) is the same measurement.
 */
function backtestBench(suite: "backtest" | "replay"): BenchEntry {
  return {
    summary: "in-process backtest events/s of the example strategies vs a metered no-op [--json] [--events N] [--rounds N]",
    async run(argv) {
      const name = `${COMMAND} ${suite}`;
      const values = parseFlags(name, argv, { json: { type: "boolean" }, events: { type: "string" }, rounds: { type: "string" } });
      const events = intFlag(name, "events", values.events, 200_000, 1000);
      const rounds = intFlag(name, "rounds", values.rounds, 3, 1);
      const { exampleStrategyDir } = await import("../builtPaths.ts");
      const { formatBacktestBench, runBacktestBench } = await import("../../../bench/backtest.ts");
      const result = await runBacktestBench({ events, rounds, strategyDir: exampleStrategyDir() });
      print(values.json === true, result, () => formatBacktestBench(result, `ringfence bench ${suite} --events ${events} --rounds ${rounds}`));
      return 0;
    },
  };
}

const BENCHES: Readonly<Record<string, BenchEntry>> = {
  fuel: {
    summary: "metered vs plain run time of the kernel suite [--json] [--rounds N]",
    async run(argv) {
      const values = parseFlags(`${COMMAND} fuel`, argv, { json: { type: "boolean" }, rounds: { type: "string" } });
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
      const values = parseFlags(`${COMMAND} admission`, argv, { json: { type: "boolean" }, rounds: { type: "string" } });
      const { DEFAULT_ADMISSION_BENCH, formatAdmissionBench, runAdmissionBench } = await import("../../../bench/admission.ts");
      const rounds = intFlag(`${COMMAND} admission`, "rounds", values.rounds, DEFAULT_ADMISSION_BENCH.rounds, 1);
      const result = runAdmissionBench({ rounds });
      print(values.json === true, result, () => formatAdmissionBench(result, `ringfence bench admission --rounds ${rounds}`));
      return 0;
    },
  },
  latency: {
    summary: "tick-to-order round trip: floor, ring (spin, hybrid), postMessage, piscina [--json] [--quick] [--rounds N] [--samples N] [--warmup N] [--fresh-warmup N]",
    async run(argv) {
      const name = `${COMMAND} latency`;
      const values = parseFlags(name, argv, {
        json: { type: "boolean" }, quick: { type: "boolean" }, rounds: { type: "string" }, samples: { type: "string" }, warmup: { type: "string" },
        "fresh-warmup": { type: "string" },
      });
      const { DEFAULT_LATENCY_BENCH, QUICK_LATENCY_BENCH, formatLatencyBench, runLatencyBench } = await import("../../../bench/latency.ts");
      const base = values.quick === true ? QUICK_LATENCY_BENCH : DEFAULT_LATENCY_BENCH;
      const options = {
        rounds: intFlag(name, "rounds", values.rounds, base.rounds, 1),
        samplesPerRound: intFlag(name, "samples", values.samples, base.samplesPerRound, 1),
        warmupPerRound: intFlag(name, "warmup", values.warmup, base.warmupPerRound, 0),
        freshWorkerWarmupPerRound: intFlag(name, "fresh-warmup", values["fresh-warmup"], base.freshWorkerWarmupPerRound, 0),
      };
      const result = await orFail(name, () => runLatencyBench(options));
      const command = `ringfence bench latency --rounds ${options.rounds} --samples ${options.samplesPerRound} --warmup ${options.warmupPerRound} --fresh-warmup ${options.freshWorkerWarmupPerRound}`;
      print(values.json === true, result, () => formatLatencyBench(result, command));
      return 0;
    },
  },
  throughput: {
    summary: "one-way events/s into one worker: no-op strategy, ring alone, in-process [--json] [--quick] [--events N] [--batch N] [--capacity N] [--rounds N]",
    async run(argv) {
      const name = `${COMMAND} throughput`;
      const values = parseFlags(name, argv, {
        json: { type: "boolean" }, quick: { type: "boolean" }, events: { type: "string" }, batch: { type: "string" }, rounds: { type: "string" }, warmup: { type: "string" },
        capacity: { type: "string" },
      });
      const { DEFAULT_THROUGHPUT_BENCH, QUICK_THROUGHPUT_BENCH, formatThroughputBench, runThroughputBench } = await import("../../../bench/throughput.ts");
      const base = values.quick === true ? QUICK_THROUGHPUT_BENCH : DEFAULT_THROUGHPUT_BENCH;
      const options = {
        events: intFlag(name, "events", values.events, base.events, 1),
        batch: intFlag(name, "batch", values.batch, base.batch, 1),
        rounds: intFlag(name, "rounds", values.rounds, base.rounds, 1),
        warmupEvents: intFlag(name, "warmup", values.warmup, base.warmupEvents, 0),
        ringCapacity: intFlag(name, "capacity", values.capacity, base.ringCapacity, 2),
      };
      if ((options.ringCapacity & (options.ringCapacity - 1)) !== 0 || options.ringCapacity > 1 << 24) {
        throw new UsageError(`${name}: --capacity must be a power of two in 2..${1 << 24}, got ${options.ringCapacity}`);
      }
      if (options.batch > options.ringCapacity) throw new UsageError(`${name}: --batch must be at most --capacity (${options.ringCapacity})`);
      if (options.batch > 4096) throw new UsageError(`${name}: --batch must be at most 4096, got ${options.batch}`);
      if (options.events + options.warmupEvents > 0x7fffffff) throw new UsageError(`${name}: --events plus --warmup must be below 2^31`);
      const result = await orFail(name, () => runThroughputBench(options));
      const command = `ringfence bench throughput --events ${options.events} --batch ${options.batch} --capacity ${options.ringCapacity} --rounds ${options.rounds} --warmup ${options.warmupEvents}`;
      print(values.json === true, result, () => formatThroughputBench(result, command));
      return 0;
    },
  },
  backtest: backtestBench("backtest"),
  replay: backtestBench("replay"),
  service: {
    summary: "bounded load on the upload service over loopback: uploads, backtests, reads from several tenants; requests/s, p99, errors, leaks [--json] [--quick] [--tenants N] [--requests N] [--concurrency N]",
    async run(argv) {
      const name = `${COMMAND} service`;
      const values = parseFlags(name, argv, {
        json: { type: "boolean" }, quick: { type: "boolean" }, tenants: { type: "string" }, requests: { type: "string" }, concurrency: { type: "string" },
      });
      const { DEFAULT_SERVICE_BENCH, QUICK_SERVICE_BENCH, formatServiceBench, runServiceBench } = await import("../../../bench/service.ts");
      const { findBuilt, workerScriptPath } = await import("../builtPaths.ts");
      const base = values.quick === true ? QUICK_SERVICE_BENCH : DEFAULT_SERVICE_BENCH;
      const options = {
        tenants: intFlag(name, "tenants", values.tenants, base.tenants, 2),
        requestsPerTenant: intFlag(name, "requests", values.requests, base.requestsPerTenant, 1),
        concurrency: intFlag(name, "concurrency", values.concurrency, base.concurrency, 1),
        backtestEvents: base.backtestEvents,
      };
      if (options.tenants > 64 || options.concurrency > 64 || options.requestsPerTenant > 100_000) {
        throw new UsageError(`${name}: --tenants and --concurrency must be ≤ 64 and --requests ≤ 100000 (a bounded load)`);
      }
      const workers = {
        compile: findBuilt("serviceCompile.worker.mjs", "the compile worker"),
        admit: findBuilt("serviceAdmit.worker.mjs", "the admission worker"),
        backtest: findBuilt("serviceBacktest.worker.mjs", "the backtest worker"),
        strategy: workerScriptPath(),
      };
      const result = await orFail(name, () => runServiceBench({ ...options, workers }));
      const command = `ringfence bench service --tenants ${options.tenants} --requests ${options.requestsPerTenant} --concurrency ${options.concurrency}`;
      print(values.json === true, result, () => formatServiceBench(result, command));
      return result.errors === 0 && result.crossTenantLeaks === 0 ? 0 : 1;
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
