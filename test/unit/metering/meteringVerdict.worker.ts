// Test worker: the metering verdict for each module in workerData, computed
// in a worker (a bigger native stack than the main thread's) by the very
// same code the main thread runs.
import { parentPort, workerData } from "node:worker_threads";
import { meteringVerdict } from "./meteringVerdict.ts";

const { modules } = workerData as { modules: Uint8Array[] };
parentPort!.postMessage(modules.map(meteringVerdict));
