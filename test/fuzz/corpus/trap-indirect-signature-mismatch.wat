;; tries: call_indirect with the wrong signature, hoping to confuse the host about types
;; expect: fault trap in rf_on_market at 0
(module
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (drop (call_indirect (type $i) (i32.const 0))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
  (type $i (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $f)
  (func $f)
)
