/**
 * One AssemblyScript compile in a child process of its own, started by
 * compileWorker.ts with a deadline after which it is killed. A fresh
 * process per compile: nothing one compile does to the compiler's
 * module-level state — or to V8, whose heap death is fatal to the whole
 * process — can reach anything else.
 *
 * The child's main thread only watches; asc runs in a worker thread under
 * it. asc runs synchronously for as long as a source makes it, and a thread
 * running it hears nothing: the watching thread sees the IPC channel close
 * when the parent dies (a `kill -9` of `build` or `serve`) and ends the
 * child at once, where an orphaned compile ran on past its deadline and
 * grew to gigabytes. The request comes as the first IPC message
 * (CompileProcessRequest); the outcome goes back as one.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { compileRequest } from "./compileRequest.ts";
import type { CompileOutcome, CompileRequest } from "./compileMessages.ts";
import { COMPILE_STACK_MB, compileHeapMessage, type CompileProcessRequest } from "./compileWorker.ts";

if (isMainThread) {
  // The parent is gone (or done with us): nothing else may keep this process.
  process.once("disconnect", () => process.exit(0));
  process.once("message", ({ request, maxHeapMb }: CompileProcessRequest) => {
    const answer = (outcome: CompileOutcome): void => {
      process.send!(outcome, () => process.disconnect());
    };
    const worker = new Worker(fileURLToPath(import.meta.url), {
      workerData: request,
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: COMPILE_STACK_MB },
      // Diagnostics come back in the outcome; anything else the compiler prints stays here.
      stdout: true,
      stderr: true,
    });
    worker.once("message", answer);
    worker.once("error", (e: Error & { code?: string }) => answer(e.code === "ERR_WORKER_OUT_OF_MEMORY"
      ? { ok: false, limit: "memory", message: compileHeapMessage(maxHeapMb), diagnostics: [] }
      : { ok: false, message: `the compiler failed: ${e.message.split("\n")[0]}`, diagnostics: [] }));
  });
} else {
  void compileRequest(workerData as CompileRequest).then((outcome) => parentPort!.postMessage(outcome));
}
