import { describe, expect, it } from "vitest";
import { SPSC_DATA_BYTE, SPSC_TAIL_WORD, maxPayloadBytes } from "../../../host/ring/spscLayout.ts";
import { INSUFFICIENT_CAPACITY, SpscConsumer, SpscProducer, createSpscRing } from "../../../host/ring/spscRing.ts";
import { BusySpinWait } from "../../../host/ring/wait/busySpin.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";

const spin = new BusySpinWait();

describe("spsc ring", () => {
  it("rejects a bad capacity with a name=value message", () => {
    expect(() => createSpscRing(1000)).toThrow(/capacity=1000/);
  });

  it("delivers every message intact and in order across many wraps (random sizes, seeded)", () => {
    const seed = testSeed("spsc wraps");
    const rand = prng(seed);
    const capacity = 1024;
    const sab = createSpscRing(capacity);
    const p = new SpscProducer(sab, spin);
    const c = new SpscConsumer(sab, spin);
    const maxPayload = maxPayloadBytes(capacity);
    let sent = 0;
    let got = 0;
    const sizes: number[] = [];
    for (let round = 0; round < 3000; round++) {
      const k = randInt(rand, 0, 4);
      for (let i = 0; i < k; i++) {
        const size = randInt(rand, 0, maxPayload);
        const at = p.tryClaim(1000 + (sent % 7), size);
        if (at === INSUFFICIENT_CAPACITY) break;
        expect(at % 8).toBe(0);
        expect(at).toBeGreaterThanOrEqual(SPSC_DATA_BYTE);
        expect(at + size).toBeLessThanOrEqual(SPSC_DATA_BYTE + capacity);
        for (let b = 0; b < size; b++) p.bytes[at + b] = (sent + b) & 0xff;
        p.commit();
        sizes.push(size);
        sent++;
      }
      c.read((type, at, length) => {
        expect(type).toBe(1000 + (got % 7));
        expect(length).toBe(sizes[got]);
        for (let b = 0; b < length; b++) if (c.bytes[at + b] !== ((got + b) & 0xff)) throw new Error(`message ${got} byte ${b} corrupted`);
        got++;
      }, randInt(rand, 1, 8));
    }
    c.read(() => { got++; });
    expect(got).toBe(sent);
    expect(sent).toBeGreaterThan(1000);
  });

  it("says INSUFFICIENT_CAPACITY when full and oversized, never overwrites unread messages", () => {
    const sab = createSpscRing(1024);
    const p = new SpscProducer(sab, spin);
    const c = new SpscConsumer(sab, spin);
    expect(p.tryClaim(1, maxPayloadBytes(1024) + 1)).toBe(INSUFFICIENT_CAPACITY);
    let n = 0;
    while (p.tryClaim(1, 56) !== INSUFFICIENT_CAPACITY) {
      p.commit();
      n++;
    }
    expect(n).toBe(1024 / 64);
    let read = 0;
    c.read(() => { read++; });
    expect(read).toBe(n);
    expect(p.tryClaim(1, 56)).not.toBe(INSUFFICIENT_CAPACITY);
  });

  it("the consumer reads a message once its length word is committed, without the tail, and never one claimed but uncommitted", () => {
    const sab = createSpscRing(1024);
    const p = new SpscProducer(sab, spin);
    const c = new SpscConsumer(sab, spin);
    const words = new Int32Array(sab);
    const at = p.tryClaim(7, 8);
    p.words[at >> 2] = 41;
    p.words[(at >> 2) + 1] = 42;
    // Claimed, payload written, not committed: nothing to read.
    expect(c.hasMessage()).toBe(false);
    expect(c.read(() => { throw new Error("delivered an uncommitted message"); })).toBe(0);
    p.commit();
    // The consumer polls the message's own length word: the producer's tail
    // is telemetry, so a tail that reads stale must not hide the message.
    words[SPSC_TAIL_WORD] = 0;
    expect(c.hasMessage()).toBe(true);
    const got: number[] = [];
    expect(c.read((type, a) => { got.push(type, c.words[a >> 2], c.words[(a >> 2) + 1]); })).toBe(1);
    expect(got).toEqual([7, 41, 42]);
    expect(c.hasMessage()).toBe(false);
  });
});
