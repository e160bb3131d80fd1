;; tries: read_orders with 65535 slots (legal count) that do not fit in memory
;; expect: fault bad_host_call in rf_on_market at 0
(module
  (import "ringfence" "read_orders" (func $read_orders (param i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (drop (call $read_orders (i32.const 8) (i32.const 65535))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
