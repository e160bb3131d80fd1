import type { FuelKernel } from "./kernel.ts";

/**
 * A serial i64 multiply-add chain (a 64-bit LCG, Knuth's MMIX constants):
 * latency-bound, like most numeric strategy code.
 */
export const multiplyChain: FuelKernel = {
  name: "multiply_chain",
  doc: "64-bit LCG x = x*6364136223846793005 + 1442695040888963407, n steps; returns the high 32 bits",
  n: 1_000_000,
  wat: `(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $x i64)
    (local.set $x (i64.const 42))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005)) (i64.const 1442695040888963407)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32)))))`,
  reference(n) {
    let x = 42n;
    const mask = (1n << 64n) - 1n;
    for (let i = 0; i < n; i++) x = (x * 6364136223846793005n + 1442695040888963407n) & mask;
    return Number(BigInt.asIntN(32, x >> 32n));
  },
};
