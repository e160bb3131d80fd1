/**
 * One AssemblyScript compile in a worker of its own, started by
 * compileWorker.ts with a deadline after which it is terminated (asc runs
 * synchronously for as long as a source makes it: on the main thread no
 * timer could stop it). A fresh worker per compile: nothing one compile does
 * to the compiler's module-level state can reach the next.
 */
import { parentPort, workerData } from "node:worker_threads";
import { compileRequest } from "./compileRequest.ts";
import type { CompileRequest } from "./compileMessages.ts";

compileRequest(workerData as CompileRequest).then((outcome) => parentPort!.postMessage(outcome));
