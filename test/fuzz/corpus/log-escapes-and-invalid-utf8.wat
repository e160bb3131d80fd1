;; tries: logs terminal escapes, newlines, NUL and invalid UTF-8
;; expect: healthy
;; report: logs=1
(module
  (import "ringfence" "log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start")
    (drop (call $log (i32.const 2) (i32.const 300) (i32.const 32))))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
  (data (i32.const 300) "\1b[2J\1b]0;pwned\07\0a\0d\00\ff\fe\ed\a0\80 end")
)
