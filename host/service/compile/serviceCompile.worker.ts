/**
 * One AssemblyScript compile of an uploaded source, in a worker of its own
 * (started by compileRunner.ts with V8 heap limits and a deadline after
 * which it is terminated). The compiler reads only the uploaded source and
 * the SDK (host/compiler/sourceReader.ts); the worker has no other input.
 * A fresh worker per compile: nothing one upload does to the compiler's
 * state can reach the next.
 */
import { parentPort, workerData } from "node:worker_threads";
import { CompileError, compileStrategySource } from "../../compiler/compileStrategy.ts";
import { errorLine } from "../../text/printable.ts";
import type { CompileJob, CompileOutcome } from "./compileMessages.ts";

const MAX_DIAGNOSTICS = 20;

async function main(): Promise<CompileOutcome> {
  const job = workerData as CompileJob;
  try {
    const r = await compileStrategySource(job.source, job.name, { maxCompilerMemoryMb: job.maxCompilerMemoryMb });
    return { ok: true, wasm: r.wasm, warnings: r.diagnostics.slice(0, MAX_DIAGNOSTICS) };
  } catch (e) {
    if (e instanceof CompileError) {
      const diagnostics = e.diagnostics.slice(0, MAX_DIAGNOSTICS);
      return e.limit === "memory" ? { ok: false, limit: "memory", message: e.summary, diagnostics } : { ok: false, message: e.summary, diagnostics };
    }
    return { ok: false, message: `the compiler failed: ${errorLine(e)}`, diagnostics: [] };
  }
}

main().then((outcome) => parentPort!.postMessage(outcome));
