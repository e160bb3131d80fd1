;; tries: call_indirect through an empty table slot in rf_stop
;; expect: fault trap in rf_stop at 400
(module
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop")
    (call_indirect (type $v) (i32.const 1)))
  (type $v (func))
  (table 2 funcref)
  (elem (i32.const 0) $f)
  (func $f)
)
