/**
 * `bench latency` ringBare: the product's rings with no strategy behind
 * them. Polls the broadcast ring (busy-spin) and answers every record with
 * one Order message on the SPSC ring, so the host can time the transport
 * alone: publish → poll → claim/commit → drain.
 */
import { workerData } from "node:worker_threads";
import { EVENT_RECORD_WORDS, EventWord } from "../../host/abi/eventRecord.ts";
import { ORDER_MSG_WORDS, OrderField, OrderMsg } from "../../host/live/orderMessages.ts";
import { BroadcastReader } from "../../host/ring/broadcastRing.ts";
import { INSUFFICIENT_CAPACITY, SpscProducer } from "../../host/ring/spscRing.ts";
import { BusySpinWait } from "../../host/ring/wait/busySpin.ts";
import type { RingEchoInit } from "./protocol.ts";
import { COMMAND_POLL_EVERY, WorkerCommand, awaitRun } from "./workerCommand.ts";

const BATCH = 64;
const init = workerData as RingEchoInit;
const control = new Int32Array(init.control);
const wait = new BusySpinWait();
const reader = new BroadcastReader(init.ring, 0, wait);
const out = new SpscProducer(init.orders, wait);
const buf = new Int32Array(BATCH * EVENT_RECORD_WORDS);

while (awaitRun(control, 0)) {
  let idle = 0;
  for (;;) {
    const n = reader.pollBatch(buf, BATCH);
    if (n <= 0) {
      if (++idle === COMMAND_POLL_EVERY) {
        idle = 0;
        if (Atomics.load(control, 0) !== WorkerCommand.Run) break;
      }
      continue;
    }
    idle = 0;
    const first = reader.cursor - n;
    for (let i = 0; i < n; i++) {
      let at: number;
      while ((at = out.tryClaim(OrderMsg.Order, ORDER_MSG_WORDS * 4)) === INSUFFICIENT_CAPACITY) { /* the host drains */ }
      const b = at >> 2;
      out.words[b + OrderField.eventLo] = first + i;
      out.words[b + OrderField.eventHi] = 0;
      out.words[b + OrderField.result] = buf[i * EVENT_RECORD_WORDS + EventWord.seqLo];
      out.commit();
    }
  }
}
