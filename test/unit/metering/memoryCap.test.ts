import { describe, expect, it } from "vitest";
import { capMemoryMaximum, MemoryCapError } from "../../../host/metering/memoryCap.ts";
import { assemble, limits, Section, u32, vec } from "../../fixtures/wat.ts";

/** A module with one memory of these limits, plus a custom section after it (must survive untouched). */
function withMemory(memoryLimits: number[]): Uint8Array {
  const custom = [Section.custom, ...u32(6), ...u32(4), ..."note".split("").map((c) => c.charCodeAt(0)), 0x2a];
  return assemble({ [Section.memory]: vec([memoryLimits]) }, custom);
}

function memoryLimitsOf(bytes: Uint8Array): { initial: number; max: number | undefined } {
  expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
  // decode our own output: header(8) + id + size + count + flags + initial [+ max]
  let p = 8 + 1;
  while (bytes[p] & 0x80) p++;
  p += 2; // size end + count
  const flags = bytes[p++];
  const read = () => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  const initial = read();
  return { initial, max: flags & 1 ? read() : undefined };
}

describe("capMemoryMaximum", () => {
  it("adds the cap as maximum to a memory without one", () => {
    const out = capMemoryMaximum(withMemory(limits(2)), 300);
    expect(memoryLimitsOf(out)).toEqual({ initial: 2, max: 300 });
  });

  it("lowers a larger declared maximum and keeps a smaller one", () => {
    expect(memoryLimitsOf(capMemoryMaximum(withMemory(limits(1, 65536)), 256))).toEqual({ initial: 1, max: 256 });
    expect(memoryLimitsOf(capMemoryMaximum(withMemory(limits(1, 16)), 256))).toEqual({ initial: 1, max: 16 });
  });

  it("keeps the bytes after the memory section intact when the section changes size", () => {
    const input = withMemory(limits(200));
    const out = capMemoryMaximum(input, 65536);
    expect(out.length).toBe(input.length + 3); // flags same size, max 65536 = 3 LEB bytes
    expect(Array.from(out.subarray(out.length - 7))).toEqual(Array.from(input.subarray(input.length - 7)));
  });

  it("refuses an initial size over the cap, shared memories and several memories", () => {
    expect(() => capMemoryMaximum(withMemory(limits(10)), 4)).toThrow(MemoryCapError);
    expect(() => capMemoryMaximum(withMemory(limits(10)), 4)).toThrow(/initial memory 10 pages is over the cap of 4 pages/);
    expect(() => capMemoryMaximum(withMemory(limits(1, 2, 2)), 4)).toThrow(/unsupported memory limits flags 0x3/);
    const two = assemble({ [Section.memory]: vec([limits(1), limits(1)]) });
    expect(() => capMemoryMaximum(two, 4)).toThrow(/exactly one memory, found 2/);
  });

  it("returns an equal copy of a module without memory", () => {
    const input = assemble({});
    const out = capMemoryMaximum(input, 4);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });
});
