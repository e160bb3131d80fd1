import type { FuelKernel } from "./kernel.ts";

/** Naive recursive Fibonacci: all calls, no loops, the worst case for per-call metering. */
export const fibRecursion: FuelKernel = {
  name: "fib_recursion",
  doc: "naive recursive fib(n): entry charge + stack units on every call",
  n: 25,
  wat: `(module
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func (export "run") (param $n i32) (result i32) (call $fib (local.get $n))))`,
  reference(n) {
    let a = 0;
    let b = 1;
    for (let i = 0; i < n; i++) [a, b] = [b, (a + b) | 0];
    return a;
  },
};
