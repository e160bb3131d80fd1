;; tries: subscribe with a kinds value outside the MarketData mask (bit 2: order events, which always arrive)
;; expect: fault bad_host_call in rf_on_market at 0
(module
  (import "ringfence" "subscribe" (func $subscribe (param i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market") (drop (call $subscribe (i32.const 0) (i32.const 4))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
