/**
 * `bench latency` piscina mechanism, task side: each market event is one
 * piscina task (an Int32Array: eventIndex, then the 16-word record). The
 * strategy instance lives in this module and so persists between the tasks
 * this thread runs. A task resolves with every message the event caused
 * (orders and venue events, concatenated) once the strategy is done with it:
 * a task's result can only travel at the task's end.
 */
import { workerData } from "node:worker_threads";
import { createMessageRunner, type MessageWorkerInit } from "./messageRunner.ts";

const init = workerData as MessageWorkerInit;
let out: Int32Array[] = [];
const runner = createMessageRunner(init, (m) => out.push(m.slice()));

export default function pingTask(event: Int32Array): Int32Array[] {
  out = [];
  runner.onEvent(event, 1, event[0]);
  return out;
}
