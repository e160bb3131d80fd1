import type { FuelKernel } from "./kernel.ts";

/**
 * Exponential moving average over an f64 price array in linear memory,
 * writing every EMA value back (f64.store: exercises NaN canonicalization).
 * setup() fills 8192 prices from an LCG; run(n) makes n passes over them.
 */
export const EMA_POINTS = 8192;

export const memoryEma: FuelKernel = {
  name: "memory_ema",
  doc: "EMA (alpha 1/16) over 8192 f64 prices in memory, stores each EMA; n passes; returns floor(last EMA * 1000)",
  n: 100,
  wat: `(module
  (memory (export "memory") 2)
  (global $points i32 (i32.const ${EMA_POINTS}))
  (func (export "setup")
    (local $i i32) (local $seed i32)
    (local.set $seed (i32.const 12345))
    (loop $fill
      (local.set $seed (i32.add (i32.mul (local.get $seed) (i32.const 1103515245)) (i32.const 12345)))
      (f64.store (i32.shl (local.get $i) (i32.const 3))
        (f64.add (f64.const 100) (f64.div (f64.convert_i32_u (i32.shr_u (local.get $seed) (i32.const 16))) (f64.const 65536))))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (global.get $points)))))
  (func (export "run") (param $passes i32) (result i32)
    (local $p i32) (local $i i32) (local $addr i32) (local $ema f64)
    (local.set $ema (f64.load (i32.const 0)))
    (block $done
      (loop $pass
        (br_if $done (i32.ge_u (local.get $p) (local.get $passes)))
        (local.set $i (i32.const 0))
        (loop $point
          (local.set $addr (i32.shl (local.get $i) (i32.const 3)))
          (local.set $ema (f64.add (local.get $ema)
            (f64.mul (f64.const 0.0625) (f64.sub (f64.load (local.get $addr)) (local.get $ema)))))
          (f64.store offset=${EMA_POINTS * 8} (local.get $addr) (local.get $ema))
          (br_if $point (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (global.get $points))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pass)))
    (i32.trunc_sat_f64_s (f64.floor (f64.mul (local.get $ema) (f64.const 1000))))))`,
  reference(passes) {
    const prices = new Float64Array(EMA_POINTS);
    let seed = 12345;
    for (let i = 0; i < EMA_POINTS; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      prices[i] = 100 + (seed >>> 16) / 65536;
    }
    let ema = prices[0];
    for (let p = 0; p < passes; p++) for (let i = 0; i < EMA_POINTS; i++) ema = ema + 0.0625 * (prices[i] - ema);
    return Math.floor(ema * 1000) | 0;
  },
};
