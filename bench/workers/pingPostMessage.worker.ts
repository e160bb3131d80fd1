/**
 * `bench latency` postMessage mechanisms, worker side: each market event
 * arrives as a message on a MessagePort (an Int32Array: eventIndex, then the
 * 16-word record), runs through the same strategy path as the ring worker,
 * and every order and venue event goes back as a message on the same port.
 *
 * mode "event": the port's 'message' listener (how postMessage is used; the
 * thread sleeps in its event loop between messages).
 * mode "poll": while told to run (workerCommand.ts), busy-polls the port
 * with receiveMessageOnPort, which isolates the cost of the transport from
 * the cost of waking a sleeping thread.
 */
import { receiveMessageOnPort, workerData } from "node:worker_threads";
import { createMessageRunner } from "./messageRunner.ts";
import type { PostMessageWorkerData } from "./protocol.ts";
import { COMMAND_POLL_EVERY, WorkerCommand, awaitRun } from "./workerCommand.ts";

const { init, port, mode, control } = workerData as PostMessageWorkerData;
const runner = createMessageRunner(init, (m) => port.postMessage(m));

if (mode === "event") {
  port.on("message", (event: Int32Array) => runner.onEvent(event, 1, event[0]));
} else {
  const c = new Int32Array(control);
  while (awaitRun(c, 0)) {
    let idle = 0;
    for (;;) {
      const got = receiveMessageOnPort(port);
      if (got !== undefined) {
        idle = 0;
        const event = got.message as Int32Array;
        runner.onEvent(event, 1, event[0]);
      } else if (++idle === COMMAND_POLL_EVERY) {
        idle = 0;
        if (Atomics.load(c, 0) !== WorkerCommand.Run) break;
      }
    }
  }
  port.close();
}
