/**
 * A fuzz worker thread (see workerMain.ts). Bundled to
 * dist/fuzzWorker.worker.mjs by scripts/build.mjs.
 */
import "../engine/v8Tuning.ts";
import { serveFuzzWorker } from "./workerMain.ts";

void serveFuzzWorker();
