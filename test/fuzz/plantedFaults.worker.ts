/**
 * A fuzz worker with planted host failures, for the watchdog test: a case
 * named `hang-*` spins forever before it runs, `crash-*` kills the thread.
 * Bundled to dist/test/plantedFaults.worker.mjs by scripts/build.mjs.
 */
import { serveFuzzWorker } from "../../host/fuzz/workerMain.ts";

void serveFuzzWorker({
  beforeRun(c) {
    if (c.name.startsWith("hang-")) for (;;);
    if (c.name.startsWith("crash-")) process.exit(3);
  },
});
