import type { FuelKernel } from "./kernel.ts";

/**
 * The worst case for metering: a loop whose body is three instructions, so
 * the per-iteration charge (≈2 instructions) is as large as the work.
 */
export const tightLoop: FuelKernel = {
  name: "tight_loop",
  doc: "sum of 0..n-1 (wrapping i32): 3-instruction loop body",
  n: 2_000_000,
  wat: `(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (loop $top
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (br_if $top (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc)))`,
  reference(n) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc = (acc + i) | 0;
    return acc;
  },
};
