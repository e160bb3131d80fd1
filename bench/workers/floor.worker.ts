/**
 * The other half of the hardware floor: answers every odd value on the
 * ping word with value + 1, as fast as a busy-spinning thread can.
 */
import { workerData } from "node:worker_threads";
import { FLOOR_COMMAND_WORD, FLOOR_PING_WORD } from "./floorLayout.ts";
import { COMMAND_POLL_EVERY, WorkerCommand, awaitRun } from "./workerCommand.ts";

const w = new Int32Array(workerData as SharedArrayBuffer);

while (awaitRun(w, FLOOR_COMMAND_WORD)) {
  let idle = 0;
  for (;;) {
    const v = Atomics.load(w, FLOOR_PING_WORD);
    if ((v & 1) === 1) {
      Atomics.store(w, FLOOR_PING_WORD, v + 1);
      idle = 0;
    } else if (++idle === COMMAND_POLL_EVERY) {
      idle = 0;
      if (Atomics.load(w, FLOOR_COMMAND_WORD) !== WorkerCommand.Run) break;
    }
  }
}
