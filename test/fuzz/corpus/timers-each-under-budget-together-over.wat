;; tries: arms 64 timers, each re-arming and burning most of a callback budget, to spend 64 budgets on one event
;; expect: fault out_of_fuel in rf_on_timer at 0
(module
  (import "ringfence" "set_timer" (func $set_timer (param i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start") (local $i i32)
    (loop $l
      (drop (call $set_timer (i32.const 0) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 64)))))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer") (local $k i32)
    (drop (call $set_timer (i32.const 0) (i32.const 0)))
    (loop $l
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $k) (i32.const 6000)))))
  (func (export "rf_stop"))
)
