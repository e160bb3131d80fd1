/**
 * Float bits become observable only through stores, reinterpretations and
 * copysign's sign read; at each of those the metered module must show the
 * canonical quiet NaN, whatever NaN the CPU produced (x86 and ARM differ in
 * sign and payload of arithmetic NaNs).
 */
import { describe, expect, it } from "vitest";
import { CANONICAL_NAN_F32_BITS, CANONICAL_NAN_F64_BITS, instrumentModule } from "../../../host/metering/instrument.ts";
import { METER_GLOBAL } from "../../../host/metering/meterAbi.ts";
import { wat } from "../../fixtures/wat.ts";
import { prng, testSeed } from "../../support/seed.ts";
import { fn, global, instantiate, type WasmExports, type WasmMemory } from "./meterHarness.ts";

// A signalling NaN with a payload and the sign bit set: arithmetic on it yields
// a platform-dependent quiet NaN (x86 keeps sign and payload, ARM gives 0x7fc00000).
const ODD_NAN_F32 = 0xffa00001 | 0;
const ODD_NAN_F64_HI = 0xfff40000 | 0;

const TEXT = `(module (memory (export "memory") 1)
  (data (i32.const 256) "\\01\\00\\a0\\ff")
  (func (export "store32") (param $bits i32) (result i32)
    (f32.store (i32.const 0) (f32.add (f32.reinterpret_i32 (local.get $bits)) (f32.const 0)))
    (i32.load (i32.const 0)))
  (func (export "storeNeg32") (param $bits i32) (result i32)
    (f32.store (i32.const 0) (f32.neg (f32.reinterpret_i32 (local.get $bits))))
    (i32.load (i32.const 0)))
  (func (export "reinterpret32") (param $bits i32) (result i32)
    (i32.reinterpret_f32 (f32.mul (f32.reinterpret_i32 (local.get $bits)) (f32.const 1))))
  (func (export "store64hi") (param $hi i32) (param $lo i32) (result i32)
    (f64.store (i32.const 8)
      (f64.sub (f64.reinterpret_i64 (i64.or (i64.shl (i64.extend_i32_u (local.get $hi)) (i64.const 32)) (i64.extend_i32_u (local.get $lo))))
               (f64.const 0)))
    (i32.load (i32.const 12)))
  (func (export "store64lo") (result i32) (i32.load (i32.const 8)))
  (func (export "reinterpret64hi") (param $hi i32) (param $lo i32) (result i32)
    (i32.wrap_i64 (i64.shr_u
      (i64.reinterpret_f64 (f64.sqrt (f64.reinterpret_i64 (i64.or (i64.shl (i64.extend_i32_u (local.get $hi)) (i64.const 32)) (i64.extend_i32_u (local.get $lo))))))
      (i64.const 32))))
  (func (export "copysign") (param $bits i32) (result f32)
    (f32.copysign (f32.const 1) (f32.add (f32.reinterpret_i32 (local.get $bits)) (f32.const 0))))
  (func (export "copyLoaded") (result i32)
    (f32.store (i32.const 16) (f32.load (i32.const 256)))
    (i32.load (i32.const 16))))`;

const F64_CANON_HI = Number(CANONICAL_NAN_F64_BITS >> 32n) | 0;
const F64_CANON_LO = Number(CANONICAL_NAN_F64_BITS & 0xffffffffn) | 0;

function meteredExports(): WasmExports {
  const x = instantiate(instrumentModule(wat(TEXT)));
  return x;
}

function run(x: WasmExports, name: string, ...args: number[]): number {
  global(x, METER_GLOBAL.fuel).value = 1_000_000;
  return fn(x, name)(...args);
}

describe("NaN canonicalization", () => {
  const x = meteredExports();

  it("f32.store and f64.store write the canonical quiet NaN", () => {
    expect(run(x, "store32", ODD_NAN_F32)).toBe(CANONICAL_NAN_F32_BITS);
    expect(run(x, "storeNeg32", ODD_NAN_F32)).toBe(CANONICAL_NAN_F32_BITS);
    expect(run(x, "store64hi", ODD_NAN_F64_HI, 1)).toBe(F64_CANON_HI);
    expect(run(x, "store64lo")).toBe(F64_CANON_LO);
  });

  it("i32.reinterpret_f32 and i64.reinterpret_f64 see the canonical quiet NaN", () => {
    expect(run(x, "reinterpret32", ODD_NAN_F32)).toBe(CANONICAL_NAN_F32_BITS);
    expect(run(x, "reinterpret64hi", ODD_NAN_F64_HI, 1)).toBe(F64_CANON_HI);
    // sqrt of a negative number is a NaN the CPU picks (x86: negative)
    expect(run(x, "reinterpret64hi", 0xbff00000 | 0, 0)).toBe(F64_CANON_HI);
  });

  it("copysign takes the canonical NaN's (positive) sign", () => {
    expect(run(x, "copysign", ODD_NAN_F32)).toBe(1);
  });

  it("leaves NaN bits loaded from memory alone (they are already fixed by the module's own bytes)", () => {
    expect(run(x, "copyLoaded")).toBe(ODD_NAN_F32);
  });

  it("leaves every non-NaN value bit-exact (seeded random bit patterns, infinities, zeros, subnormals)", () => {
    const seed = testSeed("metering NaN canonicalization passthrough");
    const rand = prng(seed);
    const patterns = [0, 0x80000000 | 0, 0x7f800000, 0xff800000 | 0, 1, 0x807fffff | 0, 0x3f800000];
    for (let i = 0; i < 2000; i++) patterns.push((rand() * 4294967296) | 0);
    const mem = () => new Int32Array((x.memory as WasmMemory).buffer, 0, 4);
    for (const bits of patterns) {
      const isNaN32 = (bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0;
      const viaStore = run(x, "store32", bits);
      const viaReinterpret = run(x, "reinterpret32", bits);
      if (isNaN32) {
        expect(viaStore).toBe(CANONICAL_NAN_F32_BITS);
        expect(viaReinterpret).toBe(CANONICAL_NAN_F32_BITS);
      } else {
        // x + 0 keeps bits except -0 + 0 = +0
        expect(viaStore).toBe(bits === (0x80000000 | 0) ? 0 : bits);
        expect(viaReinterpret).toBe(bits);
      }
      const hi = bits;
      const lo = (rand() * 4294967296) | 0;
      const isNaN64 = (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
      const storedHi = run(x, "store64hi", hi, lo);
      const storedLo = mem()[2];
      if (isNaN64) {
        expect([storedHi, storedLo]).toEqual([F64_CANON_HI, F64_CANON_LO]);
      } else {
        const zero = hi === (0x80000000 | 0) && lo === 0; // -0 - 0 = -0: kept
        expect([storedHi, storedLo]).toEqual(zero ? [hi, 0] : [hi, lo]);
      }
    }
  });
});
