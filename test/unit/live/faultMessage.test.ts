// A Fault message on the order ring carries the callback and the message
// apart, and cuts the message on a UTF-8 character boundary: the host reads
// back exactly the fault the worker had, less whole characters at the end.
import { describe, expect, it } from "vitest";
import { MAX_FAULT_TEXT_BYTES, OrderMsg, faultPayloadBytes, faultTexts, readFaultPayload, writeFaultPayload } from "../../../host/live/orderMessages.ts";
import { SpscConsumer, SpscProducer, createSpscRing } from "../../../host/ring/spscRing.ts";
import { BusySpinWait } from "../../../host/ring/wait/busySpin.ts";
import type { Fault } from "../../../host/sandbox/faults.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";

const spin = new BusySpinWait();
const utf8Bytes = (s: string) => Buffer.byteLength(s, "utf8");

/** Sends f as strategy s through a real order ring and decodes it as the supervisor does. */
function roundTrip(s: number, f: Fault): { strategy: number; fault: Fault } {
  const sab = createSpscRing(4096);
  const p = new SpscProducer(sab, spin);
  const c = new SpscConsumer(sab, spin);
  const texts = faultTexts(f);
  const at = p.tryClaim(OrderMsg.Fault, faultPayloadBytes(texts));
  writeFaultPayload(p.words, p.bytes, at, s, f, texts);
  p.commit();
  let got: { strategy: number; fault: Fault } | undefined;
  expect(c.read((type, at2, length) => {
    expect(type).toBe(OrderMsg.Fault);
    got = readFaultPayload(c.words, c.bytes, at2, length);
  })).toBe(1);
  return got!;
}

const fault = (message: string, callback = "rf_on_market"): Fault => ({ kind: "abort", atEvent: 2 ** 33 + 5, fuelAtFault: 12_345, callback, message });

describe("Fault message", () => {
  it("a short fault arrives whole, the callback apart from a message that itself has ': ' in it", () => {
    const f = fault("abort: a: b: c at x.ts:1:2");
    expect(roundTrip(7, f)).toEqual({ strategy: 7, fault: f });
  });

  it("a long message is cut to the whole characters that fit in MAX_FAULT_TEXT_BYTES, never mid-character", () => {
    // 3-byte characters: a byte cut at 400 (or at 400 less "rf_on_market: ") lands inside one.
    const got = roundTrip(0, fault("€".repeat(200))).fault;
    expect(got.callback).toBe("rf_on_market");
    expect(got.message).toBe("€".repeat(Math.floor(MAX_FAULT_TEXT_BYTES / 3)));
  });

  it("random mixes of 1- to 4-byte characters: the longest whole-character prefix, callback intact (seeded)", () => {
    const seed = testSeed("fault message utf-8 cut");
    const rand = prng(seed);
    const pool = ["a", ":", " ", "é", "€", "😀", "\u0301"];
    for (let round = 0; round < 500; round++) {
      let message = "";
      const n = randInt(rand, 0, 300);
      for (let i = 0; i < n; i++) message += pool[randInt(rand, 0, pool.length - 1)];
      const f = fault(message, round % 2 === 0 ? "rf_on_market" : "rf_start");
      const got = roundTrip(round, f).fault;
      const where = `seed ${seed} round ${round}`;
      expect(got.callback, where).toBe(f.callback);
      expect(got.message.includes("\uFFFD"), where).toBe(false);
      expect(message.startsWith(got.message), where).toBe(true);
      expect(utf8Bytes(got.message), where).toBeLessThanOrEqual(MAX_FAULT_TEXT_BYTES);
      // The longest such prefix: the next code point would not have fitted.
      if (got.message.length < message.length) {
        const next = String.fromCodePoint(message.codePointAt(got.message.length)!);
        expect(utf8Bytes(got.message) + utf8Bytes(next), where).toBeGreaterThan(MAX_FAULT_TEXT_BYTES);
      }
      expect({ ...got, message: "" }, where).toEqual({ ...f, message: "" });
    }
  });
});
