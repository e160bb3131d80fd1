;; tries: i32.trunc_f64_s of NaN in rf_on_timer
;; expect: fault trap in rf_on_timer at 0
(module
  (import "ringfence" "set_timer" (func $set_timer (param i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start")
    (drop (call $set_timer (i32.const 0) (i32.const 1))))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer")
    (drop (i32.trunc_f64_s (f64.div (f64.const 0) (f64.const 0)))))
  (func (export "rf_stop"))
)
