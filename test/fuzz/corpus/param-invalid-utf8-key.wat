;; tries: param with a key that is not UTF-8
;; expect: fault bad_host_call in rf_start at -1
(module
  (import "ringfence" "param" (func $param (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start")
    (drop (call $param (i32.const 300) (i32.const 3) (i32.const 8))))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
  (data (i32.const 300) "\ff\fe\80")
)
