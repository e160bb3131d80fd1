/**
 * A fuzz worker thread (see workerMain.ts). Bundled to
 * dist/fuzzWorker.worker.mjs by scripts/build.mjs.
 */
import { serveFuzzWorker } from "./workerMain.ts";

void serveFuzzWorker();
