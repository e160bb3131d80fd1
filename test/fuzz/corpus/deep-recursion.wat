;; tries: unbounded self-recursion, hoping to overflow the host's native stack
;; expect: fault call_depth in rf_on_market at 0
(module
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (drop (call $r (i32.const 0))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
  (func $r (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1))))
)
