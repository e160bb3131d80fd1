;; tries: param writing its i64 result over its own key bytes
;; expect: healthy
;; params: fast=-9007199254740991
(module
  (import "ringfence" "param" (func $param (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start")
    (drop (call $param (i32.const 304) (i32.const 4) (i32.const 304))))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
  (data (i32.const 304) "fast")
)
