/**
 * A fuzz worker: builds the environment (recording, neighbours, solo
 * baselines) and, with -ttf on, its own in-process wasm-opt; then makes and
 * runs cases one at a time as the campaign asks (workerProtocol.ts).
 * Bundled to dist/fuzzWorker.worker.mjs by scripts/build.mjs.
 */
import { parentPort, workerData } from "node:worker_threads";
import { CaseFactory } from "./caseFactory.ts";
import { runCase } from "./caseRunner.ts";
import type { FuzzCase } from "./fuzzCase.ts";
import { createFuzzEnvironment } from "./fuzzEnvironment.ts";
import { TtfGenerator } from "./ttfGenerator.ts";
import type { FromWorker, FuzzWorkerInit, ToWorker } from "./workerProtocol.ts";

const port = parentPort!;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

async function main(): Promise<void> {
  const init = workerData as FuzzWorkerInit;
  let factory: CaseFactory;
  let ttf: TtfGenerator | null = null;
  try {
    const env = createFuzzEnvironment({ examples: init.examples, feed: init.feed, sandbox: init.sandbox });
    ttf = init.ttf ? await TtfGenerator.create(init.tempDir) : null;
    factory = new CaseFactory(env, ttf);
    const run = (c: FuzzCase, id: number): void => {
      post({ type: "started", id, name: c.name, origin: c.origin, generator: c.generator, tries: c.tries, bytes: c.bytes });
      const result = runCase(c, env);
      // The hostile report is only worth its copy when someone will look at it.
      post({ type: "result", id, result: c.origin === "corpus" || result.violations.length > 0 ? result : { ...result, report: undefined } });
    };
    // One message at a time: generation awaits, and cases must not interleave.
    let chain = Promise.resolve();
    port.on("message", (m: ToWorker) => {
      chain = chain.then(async () => {
        if (m.type === "run") return run(m.fuzzCase, m.id);
        const c = await factory.make(init.seed, m.index);
        if (c === null) return post({ type: "skipped", id: m.id, reason: "generator produced no module" });
        run(c, m.id);
      }).catch((e: unknown) => post({ type: "fatal", message: `fuzz worker: ${String((e as Error)?.message ?? e).split("\n")[0]}` }));
    });
    post({ type: "ready" });
  } catch (e) {
    post({ type: "fatal", message: `fuzz worker could not start: ${String((e as Error)?.message ?? e).split("\n")[0]}` });
  }
}

void main();
