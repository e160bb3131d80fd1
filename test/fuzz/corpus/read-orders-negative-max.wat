;; tries: read_orders with max -1
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
    (drop (call $read_orders (i32.const 4096) (i32.const -1))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
