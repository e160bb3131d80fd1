/**
 * The body of a fuzz worker (fuzzWorker.worker.ts): builds the environment
 * (recording, neighbours, solo baselines) and, with -ttf on, its own
 * in-process wasm-opt; then makes and runs cases one at a time as the
 * campaign asks (workerProtocol.ts). A separate module so that a test
 * worker can wrap it (the watchdog test plants a hang and a crash).
 */
import { parentPort, workerData } from "node:worker_threads";
import { errorLine } from "../text/printable.ts";
import { CaseFactory } from "./caseFactory.ts";
import { runCase } from "./caseRunner.ts";
import type { FuzzCase } from "./fuzzCase.ts";
import { createFuzzEnvironment } from "./fuzzEnvironment.ts";
import { TtfGenerator } from "./ttfGenerator.ts";
import type { FromWorker, FuzzWorkerInit, ToWorker } from "./workerProtocol.ts";

export interface WorkerHooks {
  /** Called with each case just before it runs. */
  beforeRun?(c: FuzzCase): void;
}

export async function serveFuzzWorker(hooks: WorkerHooks = {}): Promise<void> {
  const port = parentPort!;
  const post = (m: FromWorker): void => port.postMessage(m);
  const init = workerData as FuzzWorkerInit;
  try {
    const env = createFuzzEnvironment({ examples: init.examples, feed: init.feed, sandbox: init.sandbox });
    const ttf = init.ttf ? await TtfGenerator.create(init.tempDir) : null;
    const factory = new CaseFactory(env, ttf);
    const run = (c: FuzzCase, id: number): void => {
      post({ type: "started", id, name: c.name, origin: c.origin, generator: c.generator, tries: c.tries, bytes: c.bytes });
      hooks.beforeRun?.(c);
      const result = runCase(c, env);
      // The hostile report is only worth its copy when someone will look at it.
      post({ type: "result", id, result: c.origin === "corpus" || result.violations.length > 0 ? result : { ...result, report: undefined } });
    };
    // One message at a time: generation awaits, and cases must not interleave.
    let chain = Promise.resolve();
    port.on("message", (m: ToWorker) => {
      chain = chain
        .then(async () => {
          if (m.type === "run") return run(m.fuzzCase, m.id);
          let c: FuzzCase | null;
          try {
            c = await factory.make(init.seed, m.index);
          } catch (e) {
            // A bug in a generator, not in the host: this case is lost, the campaign goes on.
            return post({ type: "skipped", id: m.id, reason: `generator error at case ${m.index}: ${errorLine(e)}` });
          }
          if (c === null) return post({ type: "skipped", id: m.id, reason: "" });
          run(c, m.id);
        })
        .catch((e: unknown) => post({ type: "fatal", message: `fuzz worker: ${errorLine(e)}` }));
    });
    post({ type: "ready" });
  } catch (e) {
    post({ type: "fatal", message: `fuzz worker could not start: ${errorLine(e)}` });
  }
}
