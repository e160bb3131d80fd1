;; tries: abort with pointers -1 and 0 and extreme line/column numbers
;; expect: fault abort in rf_on_market at 0
(module
  (import "ringfence" "abort" (func $abort (param i32 i32 i32 i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (call $abort (i32.const -1) (i32.const 0) (i32.const -2147483648) (i32.const 2147483647)))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
