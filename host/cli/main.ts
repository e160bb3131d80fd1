/**
 * `ringfence <command> …` entry point. Each command lives in
 * commands/<name>.ts and exports `run(argv): Promise<number>` (the exit code).
 * Commands are loaded lazily so `ringfence verify` never pays for binaryen.
 */
import "../engine/v8Tuning.ts";
import { errorLine } from "../text/printable.ts";
import { CliError } from "./errors.ts";

type CommandModule = { run(argv: string[]): Promise<number> };

const COMMANDS: Record<string, { load: () => Promise<CommandModule>; summary: string }> = {
  demo: { load: () => import("./commands/demo.ts"), summary: "run the embedded demo (synthetic feed, example strategies)" },
  build: { load: () => import("./commands/build.ts"), summary: "build <strategy.ts> [-o out.wasm] [--timeout S] [--max-heap MiB]: compile an AssemblyScript strategy" },
  verify: { load: () => import("./commands/verify.ts"), summary: "verify <module.wasm> [--json]: admission check" },
  instrument: { load: () => import("./commands/instrument.ts"), summary: "instrument <in.wasm> -o <out.wasm>: write the metered module" },
  record: { load: () => import("./commands/record.ts"), summary: "record synthetic --seed N --events N [--instruments K] -o FILE | record csv FILE.csv --format trades|quotes [...] -o FILE" },
  inspect: { load: () => import("./commands/inspect.ts"), summary: "inspect FILE: header, counts, time range, per-instrument stats" },
  backtest: { load: () => import("./commands/backtest.ts"), summary: "backtest --data FILE --strategy A.wasm [...] [--fuel N] [--audit FILE] [--html FILE] [--json]" },
  run: { load: () => import("./commands/run.ts"), summary: "run --feed synthetic|FILE --strategy A.wasm [...] [--workers N] [--wait spin|hybrid|block] [--duration S] [--restart none|fresh [--max-restarts N] [--restart-backoff-ms MS]] [--record SESSION] [--json]" },
  sweep: { load: () => import("./commands/sweep.ts"), summary: "sweep --strategy X.wasm --data FILE --param name=v1,v2,… [...] [--threads N] [--html FILE] [--json]: parameter grid on a piscina pool" },
  replay: { load: () => import("./commands/replay.ts"), summary: "replay SESSION [--json] [--expect-digest HEX]: check a recorded live session against its seal, re-execute it and check every decision" },
  audit: { load: () => import("./commands/audit.ts"), summary: "audit verify FILE [--head CHAIN=HEX] [--report R.json]: check an audit log's hash chains (and their heads)" },
  serve: { load: () => import("./commands/serve.ts"), summary: "serve [--port P] [--host H] [--data DIR]: the multi-tenant upload service and dashboard (docs/service.md)" },
  keys: { load: () => import("./commands/keys.ts"), summary: "keys create --data DIR --tenant T --role quant|risk|admin | keys list|revoke --data DIR: API keys for serve" },
  fuzz: { load: () => import("./commands/fuzz.ts"), summary: "fuzz [--seconds N] [--seed S] [--json]: isolation fuzzing (hostile corpus, generated and mutated modules)" },
  bench: { load: () => import("./commands/bench.ts"), summary: "bench fuel|admission|backtest [--json]" },
};

function usage(): string {
  const lines = ["usage: ringfence <command> [options]", "", "commands:"];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(11)} ${c.summary}`);
  lines.push("", "See README.md and docs/ for every option.");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  // Output piped into something that stopped reading (`… | head`): end quietly, as a Unix tool does, not with an unhandled EPIPE's stack.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
      throw e;
    });
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage() + "\n");
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`ringfence: unknown command '${name}' (see 'ringfence help')\n`);
    return 2;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`ringfence: ${e.message}\n`);
      return e.exitCode;
    }
    // A bug, not bad input: still one line, plus where to look.
    const err = e as Error;
    process.stderr.write(`ringfence: internal error in '${name}': ${errorLine(e)} (set RINGFENCE_DEBUG=1 for the stack)\n`);
    if (process.env.RINGFENCE_DEBUG) process.stderr.write(String(err?.stack) + "\n");
    return 1;
  }
}
