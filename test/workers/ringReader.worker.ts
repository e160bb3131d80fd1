// Test worker: reads a broadcast ring and checks every record it gets against
// the generator's formula (a torn or overwritten record would not match), then
// reports seqs back over an SPSC ring. Used by test/stress/rings.test.ts.
import { workerData } from "node:worker_threads";
import { EVENT_RECORD_WORDS, EventWord } from "../../host/abi/eventRecord.ts";
import { BroadcastReader } from "../../host/ring/broadcastRing.ts";
import { SpscProducer, INSUFFICIENT_CAPACITY } from "../../host/ring/spscRing.ts";
import { waitStrategy, type WaitMode } from "../../host/ring/wait/index.ts";

const { ring, out, reader, total, wait, slowEvery } = workerData as {
  ring: SharedArrayBuffer; out: SharedArrayBuffer; reader: number; total: number; wait: WaitMode; slowEvery: number;
};
const r = new BroadcastReader(ring, reader, waitStrategy(wait));
const producer = new SpscProducer(out, waitStrategy(wait));
const dst = new Int32Array(EVENT_RECORD_WORDS * 64);
let torn = 0;
let received = 0;
let lastSeq = -1;
let outOfOrder = 0;
let spinSink = 0;

function send(type: number, a: number, b: number): void {
  let at: number;
  while ((at = producer.tryClaim(type, 8)) === INSUFFICIENT_CAPACITY) { /* host drains */ }
  producer.words[at >> 2] = a;
  producer.words[(at >> 2) + 1] = b;
  producer.commit();
}

for (;;) {
  const n = r.pollBatch(dst, 64);
  if (n === 0) {
    r.idle();
    continue;
  }
  if (n < 0) continue;
  for (let i = 0; i < n; i++) {
    const at = i * EVENT_RECORD_WORDS;
    const seq = dst[at + EventWord.seqLo];
    for (let k = 0; k < EVENT_RECORD_WORDS; k++) {
      const want = k === EventWord.seqLo ? seq : (seq * 31 + k * 7) | 0;
      if (dst[at + k] !== want) { torn++; break; }
    }
    if (seq <= lastSeq) outOfOrder++;
    lastSeq = seq;
    received++;
    if (slowEvery > 0 && received % slowEvery === 0) for (let s = 0; s < 20000; s++) spinSink += s; // fall behind on purpose
  }
  if (lastSeq >= total - 1) break;
}
send(1, received, torn);
send(2, outOfOrder, r.gapRecords);
send(3, r.lappedCount, spinSink & 1);
