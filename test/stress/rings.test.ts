// Real threads: one publisher (this thread), reader workers polling the
// broadcast ring and reporting back over SPSC rings.
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { EVENT_RECORD_WORDS, EventWord } from "../../host/abi/eventRecord.ts";
import { RingPolicy } from "../../host/ring/broadcastLayout.ts";
import { BroadcastPublisher, createBroadcastRing } from "../../host/ring/broadcastRing.ts";
import { SpscConsumer, createSpscRing } from "../../host/ring/spscRing.ts";
import { waitStrategy, type WaitMode } from "../../host/ring/wait/index.ts";
import { distPath } from "../support/dist.ts";
import { prng, randInt, testSeed } from "../support/seed.ts";

function fill(buf: Int32Array, at: number, seq: number): void {
  for (let k = 0; k < EVENT_RECORD_WORDS; k++) buf[at + k] = (seq * 31 + k * 7) | 0;
  buf[at + EventWord.seqLo] = seq;
}

async function runReaders(policy: RingPolicy, wait: WaitMode, readers: number, total: number, slowEvery: number[]) {
  const seed = testSeed(`rings ${policy === RingPolicy.Live ? "live" : "lossless"} ${wait}`);
  const rand = prng(seed);
  const capacity = 64;
  const ring = createBroadcastRing(capacity, readers, policy);
  const outs = Array.from({ length: readers }, () => createSpscRing(4096));
  const workers = outs.map((out, reader) => new Worker(distPath("test/ringReader.worker.mjs"), {
    workerData: { ring, out, reader, total, wait, slowEvery: slowEvery[reader] ?? 0 },
  }));
  const pub = new BroadcastPublisher(ring, waitStrategy(wait));
  const batch = new Int32Array(EVENT_RECORD_WORDS * capacity);
  let seq = 0;
  while (seq < total) {
    const n = Math.min(randInt(rand, 1, 32), total - seq);
    for (let i = 0; i < n; i++) fill(batch, i * EVENT_RECORD_WORDS, seq + i);
    pub.publishBatch(batch, 0, n);
    seq += n;
    if (rand() < 0.01) await new Promise((r) => setImmediate(r));
  }
  // Live readers may have been lapped right at the end; republish the final
  // record until every reader has seen it (it carries seq total-1).
  const results = await Promise.all(workers.map(async (w, reader) => {
    const consumer = new SpscConsumer(outs[reader], waitStrategy("spin"));
    const msgs = new Map<number, [number, number]>();
    const exit = new Promise<number>((resolve) => w.once("exit", resolve));
    let exited = false;
    exit.then(() => { exited = true; });
    while (msgs.size < 3) {
      consumer.read((type, at) => msgs.set(type, [consumer.words[at >> 2], consumer.words[(at >> 2) + 1]]));
      if (msgs.size < 3) {
        if (exited) break;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    expect(await exit).toBe(0);
    const [received, torn] = msgs.get(1)!;
    const [outOfOrder, gap] = msgs.get(2)!;
    const [lapped] = msgs.get(3)!;
    return { received, torn, outOfOrder, gap, lapped };
  }));
  return results;
}

describe("rings across real worker threads", () => {
  // Two readers plus the publisher would be three spinning threads on this
  // 2-core machine, so the multi-reader case parks (hybrid) and the pure
  // busy-spin case uses one reader.
  it("lossless: every reader gets every record, in order, untorn (hybrid, one slow reader)", async () => {
    const total = 200_000;
    const results = await runReaders(RingPolicy.Lossless, "hybrid", 2, total, [0, 500]);
    for (const r of results) expect(r).toEqual({ received: total, torn: 0, outOfOrder: 0, gap: 0, lapped: 0 });
  });

  it("lossless with busy-spin waiting also never drops", async () => {
    const total = 100_000;
    const results = await runReaders(RingPolicy.Lossless, "spin", 1, total, [0]);
    expect(results[0]).toEqual({ received: total, torn: 0, outOfOrder: 0, gap: 0, lapped: 0 });
  });

  it("live: a slow reader is lapped, detects it and counts the gap, and never sees a torn record", async () => {
    const total = 300_000;
    const results = await runReaders(RingPolicy.Live, "hybrid", 2, total, [0, 50]);
    for (const r of results) {
      expect(r.torn).toBe(0);
      expect(r.outOfOrder).toBe(0);
      expect(r.received + r.gap).toBeGreaterThanOrEqual(total);
    }
    const slow = results[1];
    expect(slow.lapped).toBeGreaterThan(0);
    expect(slow.gap).toBeGreaterThan(0);
  });
});
