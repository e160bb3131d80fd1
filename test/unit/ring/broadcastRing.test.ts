import { describe, expect, it } from "vitest";
import { EVENT_RECORD_WORDS, EventWord } from "../../../host/abi/eventRecord.ts";
import { CLAIM_WORD, RingPolicy, SLOT_WORDS, broadcastRingBytes, slotsWord } from "../../../host/ring/broadcastLayout.ts";
import { BroadcastPublisher, BroadcastReader, PollResult, createBroadcastRing } from "../../../host/ring/broadcastRing.ts";
import { BusySpinWait } from "../../../host/ring/wait/busySpin.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";

const spin = new BusySpinWait();

function record(seq: number): Int32Array {
  const r = new Int32Array(EVENT_RECORD_WORDS);
  for (let k = 0; k < EVENT_RECORD_WORDS; k++) r[k] = (seq * 31 + k * 7) | 0;
  r[EventWord.seqLo] = seq;
  return r;
}

function expectRecord(dst: Int32Array, at: number, seq: number): void {
  for (let k = 0; k < EVENT_RECORD_WORDS; k++) {
    const want = k === EventWord.seqLo ? seq : (seq * 31 + k * 7) | 0;
    if (dst[at + k] !== want) throw new Error(`record seq=${seq} word ${k}: got ${dst[at + k]}, want ${want}`);
  }
}

describe("broadcast ring", () => {
  it("rejects bad geometry with name=value messages", () => {
    expect(() => broadcastRingBytes(3, 1)).toThrow(/capacity=3/);
    expect(() => broadcastRingBytes(8, 0)).toThrow(/readers=0/);
    const sab = createBroadcastRing(8, 2, RingPolicy.Live);
    expect(() => new BroadcastReader(sab, 2, spin)).toThrow(/reader=2/);
  });

  it("delivers every record in order to every reader across many laps (lossless, random batches)", () => {
    const seed = testSeed("broadcast lossless laps");
    const rand = prng(seed);
    const capacity = 16;
    const readers = 3;
    const sab = createBroadcastRing(capacity, readers, RingPolicy.Lossless);
    const pub = new BroadcastPublisher(sab, spin);
    const rs = Array.from({ length: readers }, (_, r) => new BroadcastReader(sab, r, spin));
    const next = new Array(readers).fill(0);
    const dst = new Int32Array(EVENT_RECORD_WORDS * capacity + 32).fill(0x5a5a5a5a); // canary tail
    const total = capacity * 200;
    let seq = 0;
    while (seq < total) {
      const batch = Math.min(randInt(rand, 1, capacity), total - seq, pub.available());
      if (batch > 0) {
        const src = new Int32Array(batch * EVENT_RECORD_WORDS);
        for (let i = 0; i < batch; i++) src.set(record(seq + i), i * EVENT_RECORD_WORDS);
        pub.publishBatch(src, 0, batch);
        seq += batch;
      }
      for (let r = 0; r < readers; r++) {
        const n = rs[r].pollBatch(dst, randInt(rand, 1, capacity));
        expect(n).toBeGreaterThanOrEqual(0);
        for (let i = 0; i < n; i++) expectRecord(dst, i * EVENT_RECORD_WORDS, next[r]++);
      }
      for (let k = EVENT_RECORD_WORDS * capacity; k < dst.length; k++) expect(dst[k]).toBe(0x5a5a5a5a);
    }
    for (let r = 0; r < readers; r++) {
      let n: number;
      while ((n = rs[r].pollBatch(dst, capacity)) > 0) for (let i = 0; i < n; i++) expectRecord(dst, i * EVENT_RECORD_WORDS, next[r]++);
      expect(next[r]).toBe(total);
      expect(rs[r].lappedCount).toBe(0);
    }
  });

  it("lossless publisher never overwrites an unread slot", () => {
    const sab = createBroadcastRing(8, 2, RingPolicy.Lossless);
    const pub = new BroadcastPublisher(sab, spin);
    const fast = new BroadcastReader(sab, 0, spin);
    const dst = new Int32Array(EVENT_RECORD_WORDS * 8);
    for (let s = 0; s < 8; s++) pub.publish(record(s), 0);
    expect(fast.pollBatch(dst, 8)).toBe(8);
    // reader 1 has read nothing: no room even though reader 0 is done.
    expect(pub.available()).toBe(0);
  });

  it("a lapped live reader detects it, counts the gap, resyncs, and never sees a torn record", () => {
    const seed = testSeed("broadcast live lapping");
    const rand = prng(seed);
    const capacity = 8;
    const sab = createBroadcastRing(capacity, 1, RingPolicy.Live);
    const pub = new BroadcastPublisher(sab, spin);
    const reader = new BroadcastReader(sab, 0, spin);
    const dst = new Int32Array(EVENT_RECORD_WORDS);
    let published = 0;
    let seen = 0;
    let lastSeq = -1;
    for (let round = 0; round < 500; round++) {
      const burst = randInt(rand, 0, capacity * 3);
      for (let i = 0; i < burst; i++) pub.publish(record(published++), 0);
      const reads = randInt(rand, 0, capacity);
      for (let i = 0; i < reads; i++) {
        const r = reader.poll(dst, 0);
        if (r === PollResult.Empty) break;
        if (r === PollResult.Lapped) continue;
        const seq = dst[EventWord.seqLo];
        expect(seq).toBeGreaterThan(lastSeq);
        expectRecord(dst, 0, seq);
        lastSeq = seq;
        seen++;
      }
    }
    while (true) {
      const r = reader.poll(dst, 0);
      if (r === PollResult.Empty) break;
      if (r === PollResult.Record) {
        expectRecord(dst, 0, dst[EventWord.seqLo]);
        seen++;
      }
    }
    expect(reader.lappedCount).toBeGreaterThan(0);
    // every published record is either seen or counted as lost
    expect(seen + reader.gapRecords).toBeGreaterThanOrEqual(published);
    expect(seen).toBeLessThanOrEqual(published);
  });

  it("a record whose slot the publisher has claimed is treated as lapped, not returned", () => {
    const sab = createBroadcastRing(4, 1, RingPolicy.Live);
    const pub = new BroadcastPublisher(sab, spin);
    const reader = new BroadcastReader(sab, 0, spin);
    pub.publish(record(0), 0);
    // Simulate a publisher mid-write of seq 4 (slot 0 again): claimed, half copied.
    const w = new Int32Array(sab);
    Atomics.store(w, CLAIM_WORD, 5);
    w[slotsWord(1) + 3] = -1;
    const dst = new Int32Array(EVENT_RECORD_WORDS);
    expect(reader.poll(dst, 0)).toBe(PollResult.Lapped);
    expect(reader.lappedCount).toBe(1);
    expect(reader.gapRecords).toBe(2); // resynced to seq 2, the oldest slot not claimed
    expect(reader.cursor).toBe(2);
    expect(SLOT_WORDS).toBe(EVENT_RECORD_WORDS);
  });
});

describe("broadcast ring claim", () => {
  it("a live publisher stores its claim once per capacity/4 records, never behind the tail nor more than capacity/4 ahead", () => {
    const capacity = 16;
    const sab = createBroadcastRing(capacity, 1, RingPolicy.Live);
    const pub = new BroadcastPublisher(sab, spin);
    const w = new Int32Array(sab);
    let stores = 0;
    let last = Atomics.load(w, CLAIM_WORD);
    for (let s = 0; s < 40; s++) {
      pub.publish(record(s), 0);
      const claim = Atomics.load(w, CLAIM_WORD);
      if (claim !== last) stores++;
      last = claim;
      expect(claim - (s + 1)).toBeGreaterThanOrEqual(0);
      expect(claim - (s + 1)).toBeLessThanOrEqual(capacity / 4);
    }
    // Claims at 1, 6, 11, ... 36: each covers the next capacity/4 + 1 records.
    expect(stores).toBe(8);
  });

  it("a live reader within capacity - capacity/4 of the claim reads; one further behind is lapped and resyncs past the claim", () => {
    const capacity = 16;
    const sab = createBroadcastRing(capacity, 2, RingPolicy.Live);
    const pub = new BroadcastPublisher(sab, spin);
    const near = new BroadcastReader(sab, 0, spin);
    const far = new BroadcastReader(sab, 1, spin);
    near.cursor = 4;
    for (let s = 0; s < capacity; s++) pub.publish(record(s), 0);
    // Publishing seq 15 claimed up to 20: the slots of seqs 0..3 may be mid-rewrite.
    expect(Atomics.load(new Int32Array(sab), CLAIM_WORD)).toBe(20);
    const dst = new Int32Array(EVENT_RECORD_WORDS * capacity);
    expect(near.pollBatch(dst, capacity)).toBe(12);
    for (let i = 0; i < 12; i++) expectRecord(dst, i * EVENT_RECORD_WORDS, 4 + i);
    expect(far.pollBatch(dst, capacity)).toBe(-1);
    expect(far.cursor).toBe(5);
    expect(far.gapRecords).toBe(5);
    expect(far.pollBatch(dst, capacity)).toBe(11);
    for (let i = 0; i < 11; i++) expectRecord(dst, i * EVENT_RECORD_WORDS, 5 + i);
  });

  it("a lossless publisher claims exactly what it publishes", () => {
    const sab = createBroadcastRing(16, 1, RingPolicy.Lossless);
    const pub = new BroadcastPublisher(sab, spin);
    const reader = new BroadcastReader(sab, 0, spin);
    const dst = new Int32Array(EVENT_RECORD_WORDS * 16);
    for (let s = 0; s < 40; s++) {
      pub.publish(record(s), 0);
      expect(Atomics.load(new Int32Array(sab), CLAIM_WORD)).toBe(s + 1);
      expect(reader.pollBatch(dst, 16)).toBe(1);
    }
  });
});

describe("broadcast ring: what a publish may write", () => {
  it.each([RingPolicy.Live, RingPolicy.Lossless])("publishing changes only the published slots (policy %i), even where it takes the next slot's line early", (policy) => {
    const seed = testSeed(`broadcastRing.publishWrites.${policy}`);
    const rand = prng(seed);
    const capacity = 32;
    const sab = createBroadcastRing(capacity, 1, policy);
    const pub = new BroadcastPublisher(sab, spin);
    const reader = new BroadcastReader(sab, 0, spin);
    const w = new Int32Array(sab);
    const base = slotsWord(1);
    const slots = () => w.slice(base, base + capacity * SLOT_WORDS);
    const dst = new Int32Array(EVENT_RECORD_WORDS * capacity);
    let seq = 0;
    for (let round = 0; round < 200; round++) {
      const n = randInt(rand, 1, 8);
      const batch = new Int32Array(n * EVENT_RECORD_WORDS);
      for (let i = 0; i < n; i++) batch.set(record(seq + i), i * EVENT_RECORD_WORDS);
      const before = slots();
      expect(pub.publishBatch(batch, 0, n)).toBe(n);
      const after = slots();
      for (let k = 0; k < capacity; k++) {
        const published = ((k - seq) & (capacity - 1)) < n;
        const got = after.subarray(k * SLOT_WORDS, (k + 1) * SLOT_WORDS);
        if (published) expectRecord(got, 0, seq + ((k - seq) & (capacity - 1)));
        else expect(got).toEqual(before.subarray(k * SLOT_WORDS, (k + 1) * SLOT_WORDS));
      }
      seq += n;
      expect(reader.pollBatch(dst, capacity)).toBe(n);
      for (let i = 0; i < n; i++) expectRecord(dst, i * EVENT_RECORD_WORDS, seq - n + i);
    }
  });
});

describe("broadcast ring batch bookkeeping", () => {
  it("a lap found after copying drops the whole batch; the next batch's batchFirst names its first record", () => {
    const spinWait = new BusySpinWait();
    const sab = createBroadcastRing(4, 1, RingPolicy.Live);
    const pub = new BroadcastPublisher(sab, spinWait);
    const reader = new BroadcastReader(sab, 0, spinWait);
    const dst = new Int32Array(EVENT_RECORD_WORDS * 8);
    for (let s = 0; s < 3; s++) pub.publish(record(s), 0);
    // As if the publisher were rewriting the slots of seqs 0 and 1 with seqs 4 and 5.
    const w = new Int32Array(sab);
    Atomics.store(w, CLAIM_WORD, 6);
    expect(reader.pollBatch(dst, 8)).toBe(-1);
    expect(reader.cursor).toBe(3);
    expect(reader.gapRecords).toBe(3);
    pub.publish(record(3), 0);
    expect(reader.pollBatch(dst, 8)).toBe(1);
    expect(reader.batchFirst).toBe(3);
    expectRecord(dst, 0, 3);
  });
});

describe("broadcast ring: deferred commit and in-place reads", () => {
  it("takeBatch leaves the cursor unpublished until commit()", () => {
    const sab = createBroadcastRing(8, 1, RingPolicy.Lossless);
    const pub = new BroadcastPublisher(sab, spin);
    const reader = new BroadcastReader(sab, 0, spin);
    for (let s = 0; s < 5; s++) pub.publish(record(s), 0);
    const dst = new Int32Array(EVENT_RECORD_WORDS * 8);
    expect(reader.takeBatch(dst, 8)).toBe(5);
    for (let s = 0; s < 5; s++) expectRecord(dst, s * EVENT_RECORD_WORDS, s);
    expect(pub.available()).toBe(3); // the publisher still sees the records as unread
    reader.commit();
    expect(pub.available()).toBe(8);
  });

  it("acquire/release on a lossless ring reads records in place across the wrap, and the publisher waits for release", () => {
    const seed = testSeed("broadcast acquire/release");
    const rnd = prng(seed);
    const sab = createBroadcastRing(8, 1, RingPolicy.Lossless);
    const pub = new BroadcastPublisher(sab, spin);
    const reader = new BroadcastReader(sab, 0, spin);
    let next = 0;
    let read = 0;
    for (let round = 0; round < 200; round++) {
      const room = pub.available();
      const k = randInt(rnd, 0, room);
      for (let i = 0; i < k; i++) pub.publish(record(next++), 0);
      const want = randInt(rnd, 1, 8);
      const n = reader.acquire(want);
      expect(n, `seed ${seed} round ${round}`).toBe(Math.min(next - read, want));
      for (let i = 0; i < n; i++) expectRecord(reader.ringWords, reader.recordWord(i), read + i);
      expect(reader.batchFirst).toBe(read);
      expect(pub.available()).toBe(8 - (next - read)); // nothing acquired is released yet
      reader.release(n);
      read += n;
    }
    expect(read).toBeGreaterThan(100);
  });

  it("acquire on a live ring returns 0 (the publisher never waits there)", () => {
    const sab = createBroadcastRing(8, 1, RingPolicy.Live);
    const pub = new BroadcastPublisher(sab, spin);
    const reader = new BroadcastReader(sab, 0, spin);
    pub.publish(record(0), 0);
    expect(reader.acquire(8)).toBe(0);
    const dst = new Int32Array(EVENT_RECORD_WORDS);
    expect(reader.poll(dst, 0)).toBe(PollResult.Record);
  });
});
