;; tries: an infinite loop in rf_event_buffer
;; expect: fault out_of_fuel in rf_start at -1
(module
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (loop $forever (br $forever)) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
