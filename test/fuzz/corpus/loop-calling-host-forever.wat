;; tries: an infinite loop of cheap host calls (event_time), so fuel is only charged by the host
;; expect: fault out_of_fuel in rf_on_market at 0
;; sandbox: fuelPerCallback=100000
(module
  (import "ringfence" "event_time" (func $event_time (param i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (loop $l (drop (call $event_time (i32.const 8))) (br $l)))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
