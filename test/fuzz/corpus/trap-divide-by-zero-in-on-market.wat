;; tries: integer divide by zero in rf_on_market after 5 events
;; expect: fault trap in rf_on_market
;; report: callbacks>=6
(module
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (global.set $n (i32.add (global.get $n) (i32.const 1))) (if (i32.ge_u (global.get $n) (i32.const 5)) (then (drop (i32.div_u (i32.const 1) (i32.sub (global.get $n) (global.get $n)))))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
