/**
 * Strategy modules use only the allowed wasm features (MVP, mutable-globals,
 * sign-extension, nontrapping-f2i, bulk-memory, multi-value): Binaryen must
 * validate each example with every other feature switched off. A module with
 * a SIMD instruction fails the same check, so the check can fail.
 */
import binaryen from "binaryen";
import { describe, expect, it } from "vitest";
import { readModuleInterface } from "../../../host/compiler/moduleInterface.ts";
import { compileExample, EXAMPLES } from "../strategies/examples.ts";

const F = binaryen.Features;
const ALLOWED = F.MVP | F.MutableGlobals | F.SignExt | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.Multivalue;

function validatesWithAllowedFeatures(wasm: Uint8Array): boolean {
  const mod = binaryen.readBinary(wasm);
  try {
    mod.setFeatures(ALLOWED);
    return mod.validate() !== 0;
  } finally {
    mod.dispose();
  }
}

describe("wasm features of built strategies", () => {
  for (const name of EXAMPLES) {
    it(`${name}: valid with only the allowed features, no custom sections`, async () => {
      const wasm = await compileExample(name);
      expect(validatesWithAllowedFeatures(wasm)).toBe(true);
      expect(readModuleInterface(wasm).customSections).toEqual([]);
    });
  }

  it("control: a SIMD module does not validate under the allowlist", () => {
    const mod = new binaryen.Module();
    mod.setFeatures(F.All);
    mod.addFunction("f", binaryen.none, binaryen.v128, [], mod.v128.const([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]));
    mod.addFunctionExport("f", "f");
    const wasm = mod.emitBinary();
    mod.dispose();
    // Binaryen prints the validation failure; that output is expected here.
    expect(validatesWithAllowedFeatures(wasm)).toBe(false);
  });
});
