/**
 * `bench throughput` ringOnly: consumes a lossless broadcast ring as fast as
 * it can (busy-spin, polls of up to `batch` records) and does nothing with the records, so
 * the host can time the ring alone. Stores how many it consumed when it has
 * seen `total`.
 */
import { workerData } from "node:worker_threads";
import { EVENT_RECORD_WORDS } from "../../host/abi/eventRecord.ts";
import { BroadcastReader } from "../../host/ring/broadcastRing.ts";
import { BusySpinWait } from "../../host/ring/wait/busySpin.ts";
import { DrainWord, type RingDrainInit } from "./protocol.ts";

const init = workerData as RingDrainInit;
const state = new Int32Array(init.state);
const reader = new BroadcastReader(init.ring, 0, new BusySpinWait());
const buf = new Int32Array(init.batch * EVENT_RECORD_WORDS);
let consumed = 0;
let lapped = 0;

Atomics.store(state, DrainWord.ready, 1);
Atomics.notify(state, DrainWord.ready);
while (consumed < init.total) {
  const n = reader.pollBatch(buf, init.batch);
  if (n > 0) consumed += n;
  else if (n < 0) lapped++;
}
Atomics.store(state, DrainWord.lapped, lapped);
Atomics.store(state, DrainWord.consumed, consumed);
Atomics.store(state, DrainWord.done, 1);
Atomics.notify(state, DrainWord.done);
