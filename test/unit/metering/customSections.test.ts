import { describe, expect, it } from "vitest";
import { ByteReader } from "../../../host/admission/byteReader.ts";
import { verifyModule } from "../../../host/admission/verify.ts";
import { withoutCustomSections } from "../../../host/metering/customSections.ts";
import { instrumentModule } from "../../../host/metering/instrument.ts";
import { name as encodeName, section, restingBuyWat, wat } from "../../fixtures/wat.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";

/** Custom section names binaryen reads itself (and refuses when malformed), plus ones nobody reads. */
const NAMES = [
  "metadata.code.branch_hint", "metadata.code.inline", "metadata.code.compilation_priority", "metadata.code.instr_freq",
  "dylink", "dylink.0", "name", "target_features", "producers", "linking", "reloc.CODE", "sourceMappingURL",
  "external_debug_info", ".debug_info", ".debug_line", "", "ringfence", "\u00e9t\u00e9",
];

/** Byte offsets where each section of a well-formed module starts, and its end. */
function sectionStarts(bytes: Uint8Array): number[] {
  const r = new ByteReader(bytes, 8);
  const starts: number[] = [];
  while (r.pos < r.end) {
    starts.push(r.pos);
    r.u8();
    r.skip(r.u32());
  }
  starts.push(bytes.length);
  return starts;
}

function insertAt(bytes: Uint8Array, at: number, extra: number[]): Uint8Array {
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(extra, at);
  out.set(bytes.subarray(at), at + extra.length);
  return out;
}

describe("custom sections before metering", () => {
  const base = wat(restingBuyWat);

  it("a module without custom sections is passed through as it is", () => {
    expect(withoutCustomSections(base)).toBe(base);
  });

  it("framing it cannot read is left for binaryen to refuse", () => {
    const cut = base.subarray(0, base.length - 3);
    expect(withoutCustomSections(cut)).toBe(cut);
  });

  it("malformed custom sections anywhere are admitted and meter to the same bytes as the module without them", () => {
    const seed = testSeed("custom sections");
    const rand = prng(seed);
    const expected = instrumentModule(base);
    const starts = sectionStarts(base);
    for (let round = 0; round < 40; round++) {
      let bytes = base;
      const names: string[] = [];
      // Between two sections of the base (or at either end); the last position first, so earlier ones stay put.
      const positions = Array.from({ length: randInt(rand, 1, 3) }, () => starts[randInt(rand, 0, starts.length - 1)]).sort((a, b) => b - a);
      for (const at of positions) {
        const name = NAMES[randInt(rand, 0, NAMES.length - 1)];
        names.push(name);
        const body = Array.from({ length: randInt(rand, 0, 40) }, () => randInt(rand, 0, 255));
        bytes = insertAt(bytes, at, section(0, [...encodeName(name), ...body]));
      }
      const context = `seed ${seed} round ${round}: ${JSON.stringify(names)}`;
      expect(verifyModule(bytes).reasons, context).toEqual([]);
      expect(withoutCustomSections(bytes), context).toEqual(base);
      expect(instrumentModule(bytes), context).toEqual(expected);
    }
  });
});
