/**
 * `ringfence run`: paper trading through the rings and strategy workers,
 * with an optional restart policy for workers that die (--restart fresh).
 */
import { generateSynthetic } from "../../feed/synthetic.ts";
import { RecordingReader } from "../../feed/recordingReader.ts";
import { defaultWorkerCount, runLive } from "../../live/liveRun.ts";
import { TerminalView } from "../../live/terminalView.ts";
import { RingPolicy } from "../../ring/broadcastLayout.ts";
import { WAIT_MODES, type WaitMode } from "../../ring/wait/index.ts";
import { errorLine } from "../../text/printable.ts";
import { intFlag, parseFlags } from "../args.ts";
import { accessSync, constants, lstatSync, statSync } from "node:fs";
import { availableParallelism, constants as osConstants } from "node:os";
import { dirname, resolve } from "node:path";
import { CliError, InputError, UsageError } from "../errors.ts";
import { discardSessionStaging, sessionCaptureDir, writeSession } from "../../replay/session.ts";
import { workerScriptPath } from "../builtPaths.ts";
import { loadStrategy, parseParams, parseRisk, parseSandbox } from "../strategyArgs.ts";
import { DEFAULT_RESTART_POLICY, RESTART_POLICIES, restartPolicy, type RestartPolicy, type RestartPolicyName } from "../../live/restartPolicy.ts";

const DEFAULT_RATE = 100_000;

export async function run(argv: string[]): Promise<number> {
  const values = parseFlags("run", argv, {
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
    "event-fuel": { type: "string" },
    json: { type: "boolean" },
    record: { type: "string" },
    restart: { type: "string" },
    "max-restarts": { type: "string" },
    "restart-backoff-ms": { type: "string" },
  });
  if (!values.strategy?.length) throw new UsageError("run: at least one --strategy MODULE.wasm is required");
  const wait = (values.wait ?? "spin") as WaitMode;
  if (!WAIT_MODES.includes(wait)) throw new UsageError(`run: --wait must be one of ${WAIT_MODES.join("|")}, got '${values.wait}'`);
  const workers = intFlag("run", "workers", values.workers, defaultWorkerCount(values.strategy.length, availableParallelism()), 1);
  if (workers > 64) throw new UsageError("run: --workers must be ≤ 64");
  const restart = parseRestart(values.restart, values["max-restarts"], values["restart-backoff-ms"]);
  const durationS = intFlag("run", "duration", values.duration, 0);
  // Paper trading replays at a market-like pace by default; --rate 0 is as
  // fast as the ring allows (live rings then lap slow readers, by design).
  const rate = intFlag("run", "rate", values.rate, values.lossless ? 0 : DEFAULT_RATE);
  // Where the session goes is checked before the run, not found wrong after it.
  if (values.record !== undefined) checkRecordPath(values.record);
  const feed = values.feed ?? "synthetic";
  const recording = feed === "synthetic"
    ? generateSynthetic({ seed: intFlag("run", "seed", values.seed, 42), events: intFlag("run", "events", values.events, 1_000_000, 1), instruments: 3 })
    // Streamed a block at a time (its header checked now, each block before it is published).
    : RecordingReader.openFile(feed);
  const risk = parseRisk("run", values.risk ?? []);
  const sandbox = parseSandbox("run", values);
  const params = parseParams("run", values.param ?? []);
  const strategies = values.strategy.map((p) => loadStrategy(p, params, risk, sandbox));
  const view = values.json ? null : new TerminalView(process.stderr);
  // Workers write the session's audit files into its staging directory as they go.
  const captureDir = values.record !== undefined ? sessionCaptureDir(values.record) : undefined;
  const interrupt = onInterrupt(() => {
    try {
      if (values.record !== undefined) discardSessionStaging(values.record);
    } catch {
      // quitting at once: what cannot be removed now stays as SESSION.tmp-PID
    }
  });
  const report = await runLive({
    recording, strategies, workers, wait,
    policy: values.lossless ? RingPolicy.Lossless : RingPolicy.Live,
    durationMs: durationS * 1000, ratePerSec: rate, workerScript: workerScriptPath(),
    onTick: view ? (t, ms) => view.draw(t, ms) : undefined,
    viewEveryMs: process.stderr.isTTY ? 250 : 1000,
    record: values.record !== undefined,
    captureDir,
    restart,
    signal: interrupt.signal,
  }).catch((e: unknown) => {
    if (values.record !== undefined) discardSessionStaging(values.record);
    throw e;
  }).finally(() => interrupt.dispose());
  const stoppedBy = interrupt.received();
  // The session copies its feed from the file, so the reader stays open until it is written.
  const closeFeed = (): void => {
    if (recording instanceof RecordingReader) recording.close();
  };
  const { capture, ...printable } = report;
  let recordFailure: CliError | null = null;
  // The recorded session and its digest (sessionSeal.ts): the anchor to keep.
  let session: { dir: string; digest: string } | undefined;
  if (values.record !== undefined && !capture) discardSessionStaging(values.record);
  if (values.record !== undefined && capture) {
    try {
      const digest = writeSession(values.record, {
        recording, strategies, capture,
        config: { wait, workers, policy: values.lossless ? "lossless" : "live", ratePerSec: rate, restart, ...(stoppedBy ? { interrupted: stoppedBy } : {}) },
      });
      session = { dir: values.record, digest };
      process.stderr.write(`recorded session ${values.record}: ${capture.published} events, ${strategies.length} strategies, digest sha256:${digest} (replay with 'ringfence replay ${values.record} --expect-digest ${digest}')\n`);
    } catch (e) {
      // Reported after the run's results, which are still printed.
      recordFailure = e instanceof CliError ? e : new InputError(`run: the run finished but session '${values.record}' could not be written: ${writeFailure(e)}`);
    }
  }
  closeFeed();
  if (values.json) process.stdout.write(JSON.stringify(session ? { ...printable, session } : printable) + "\n");
  else {
    const t = report.telemetry;
    const restartGaps = t.restartGapRecords > 0 ? `; missed while restarting ${t.restartGapRecords}` : "";
    process.stdout.write(`events ${report.events} in ${t.wallMs} ms (${t.eventsPerSec} ev/s), ${t.workers} worker(s), wait ${t.wait}; tick→order p50 ${t.tickToOrder.p50Ns} ns p99 ${t.tickToOrder.p99Ns} ns; gaps ${t.gapRecords}${restartGaps}\n`);
    const st = t.stages;
    const us = (p: { p50Ns: number; p99Ns: number }) => `p50 ${(p.p50Ns / 1000).toFixed(2)} µs / p99 ${(p.p99Ns / 1000).toFixed(2)} µs`;
    process.stdout.write(`stages: feed→worker ${us(st.feedToWorker)}; strategies per event ${us(st.callback)}; risk ${us(st.risk)}; order→host ${us(st.orderToHost)}\n`);
    for (const s of report.strategies) {
      // A restarted strategy's counts are its current instance's (a fresh instance starts from nothing).
      const last = s.restartHistory[s.restartHistory.length - 1];
      const restarted = s.restarts > 0 ? ` RESTARTED ${s.restarts}×${last && last.firstEvent >= 0 ? ` (this instance from event ${last.firstEvent})` : ""}` : "";
      process.stdout.write(`${s.module}: orders ${s.orders} fills ${s.fills} rejects ${s.rejects} position ${s.position} pnl ${s.pnl}e-${s.pnlDecimals}${s.faults.length ? ` FAULT ${s.faults[0].kind}: ${s.faults[0].message}` : ""}${restarted}\n`);
    }
  }
  if (recordFailure) throw recordFailure;
  if (stoppedBy) {
    const kept = values.record !== undefined ? `; the session holds them (replay it with 'ringfence replay ${values.record}')` : "";
    throw new CliError(`run: interrupted by ${stoppedBy} after ${report.events} events${kept}`, 128 + osConstants.signals[stoppedBy]);
  }
  return 0;
}

const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * SIGINT/SIGTERM during a run end the feed the way --duration does, so the
 * results are printed and a --record session is written for what was
 * published (without this, Ctrl-C lost the whole session). A second signal
 * quits at once, without them.
 */
function onInterrupt(onQuit: () => void): { signal: AbortSignal; received: () => StopSignal | null; dispose: () => void } {
  const controller = new AbortController();
  let first: StopSignal | null = null;
  const handler = (sig: StopSignal) => {
    if (first) {
      process.stderr.write(`\nringfence: run: ${sig} again: quitting without results or session\n`);
      onQuit();
      process.exit(128 + osConstants.signals[sig]);
    }
    first = sig;
    process.stderr.write(`\nringfence: run: ${sig}: stopping the feed; the workers finish what was published (${sig === "SIGINT" ? "Ctrl-C" : sig} again quits at once)\n`);
    controller.abort();
  };
  for (const sig of STOP_SIGNALS) process.on(sig, handler);
  return {
    signal: controller.signal,
    received: () => first,
    dispose: () => { for (const sig of STOP_SIGNALS) process.off(sig, handler); },
  };
}

/**
 * --record PATH must be a new name in an existing, writable directory:
 * one line before the run starts (exit 2 when PATH exists, as before;
 * exit 1 when its directory is missing, not a directory or not writable).
 */
function checkRecordPath(path: string): void {
  let exists = true;
  try {
    lstatSync(path);
  } catch {
    exists = false;
  }
  if (exists) throw new UsageError(`run: --record '${path}' already exists; choose a new session name`);
  const parent = dirname(path);
  let isDir: boolean;
  try {
    isDir = statSync(resolve(parent)).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`run: --record '${path}': the directory '${parent}' does not exist`);
    if (code === "ENOTDIR") isDir = false;
    else throw new InputError(`run: --record '${path}': the directory '${parent}' cannot be read (${code ?? "error"})`);
  }
  if (!isDir) throw new InputError(`run: --record '${path}': '${parent}' is not a directory (a session is a new directory; choose a path inside a directory)`);
  try {
    accessSync(resolve(parent), constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new InputError(`run: --record '${path}': cannot create a session in '${parent}' (${(e as NodeJS.ErrnoException).code ?? "not writable"})`);
  }
}

/** A failed write as one line: "ENOSPC: no space left on device, write" without the stack. */
function writeFailure(e: unknown): string {
  return errorLine(e);
}

/** --restart none|fresh [--max-restarts N] [--restart-backoff-ms MS]; usage errors are one line (exit 2). */
function parseRestart(policy: string | undefined, maxRestarts: string | undefined, backoffMs: string | undefined): RestartPolicy {
  const name = (policy ?? "none") as RestartPolicyName;
  if (!RESTART_POLICIES.includes(name)) throw new UsageError(`run: --restart must be one of ${RESTART_POLICIES.join("|")}, got '${policy}'`);
  if (name === "none") {
    const stray = maxRestarts !== undefined ? "--max-restarts" : backoffMs !== undefined ? "--restart-backoff-ms" : null;
    if (stray) throw new UsageError(`run: ${stray} only applies with --restart fresh`);
  }
  try {
    return restartPolicy({
      policy: name,
      maxRestarts: intFlag("run", "max-restarts", maxRestarts, DEFAULT_RESTART_POLICY.maxRestarts),
      backoffMs: intFlag("run", "restart-backoff-ms", backoffMs, DEFAULT_RESTART_POLICY.backoffMs),
    });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // restartPolicy's bounds, in the flags' own names.
    const m = /^restart policy: (\w+)=(\S+) must be (.*)$/.exec((e as Error).message);
    const flag = m?.[1] === "maxRestarts" ? "--max-restarts" : "--restart-backoff-ms";
    throw new UsageError(m ? `run: ${flag} must be ${m[3].replace(/^an integer in /, "in ")}, got '${m[2]}'` : `run: ${(e as Error).message}`);
  }
}
