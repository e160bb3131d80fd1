;; tries: a limit order at price -2^63
;; expect: fault bad_host_call in rf_on_market at 0
(module
  (import "ringfence" "submit_order" (func $submit_order (param i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (i32.store (i32.const 2048) (i32.const 0)) (i32.store8 (i32.const 2052) (i32.const 1)) (i32.store8 (i32.const 2053) (i32.const 1)) (i32.store8 (i32.const 2054) (i32.const 1)) (i32.store8 (i32.const 2055) (i32.const 0)) (i64.store (i32.const 2056) (i64.const -9223372036854775808)) (i64.store (i32.const 2064) (i64.const 1)) (i32.store (i32.const 2072) (i32.const 7)) (i32.store (i32.const 2076) (i32.const 0)) (drop (call $submit_order (i32.const 2048))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
