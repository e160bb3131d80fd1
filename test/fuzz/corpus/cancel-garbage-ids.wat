;; tries: cancels orders and timers with ids 0, -1, 2^31-1 and ones never issued
;; expect: healthy
;; report: cancels=0
(module
  (import "ringfence" "cancel_order" (func $cancel_order (param i32) (result i32)))
  (import "ringfence" "cancel_timer" (func $cancel_timer (param i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (drop (call $cancel_order (i32.const 0))) (drop (call $cancel_order (i32.const -1))) (drop (call $cancel_order (i32.const 0x7fffffff))) (drop (call $cancel_timer (i32.const 0))) (drop (call $cancel_timer (i32.const -1))) (drop (call $cancel_timer (i32.const 12345))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
