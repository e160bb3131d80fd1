// Test worker for the wait-strategy contract: waits with the strategy under
// test until futex[0] changes, then reports what it saw on futex[2].
import { workerData } from "node:worker_threads";
import { waitStrategy, type WaitMode } from "../../host/ring/wait/index.ts";

const { sab, mode } = workerData as { sab: SharedArrayBuffer; mode: WaitMode };
const futex = new Int32Array(sab);
const w = waitStrategy(mode);
const observed = Atomics.load(futex, 0);
Atomics.store(futex, 3, 1); // ready
let rounds = 0;
while (Atomics.load(futex, 0) === observed) w.idle(rounds++, futex, 0, observed, 1);
Atomics.store(futex, 2, Atomics.load(futex, 0));
Atomics.notify(futex, 2);
