;; tries: recursion through the function table (call_indirect), which static analysis cannot see
;; expect: fault call_depth in rf_on_market
(module
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (call_indirect (type $v) (i32.const 0)))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
  (type $v (func))
  (table 1 funcref)
  (elem (i32.const 0) $self)
  (func $self (call_indirect (type $v) (i32.const 0)))
)
