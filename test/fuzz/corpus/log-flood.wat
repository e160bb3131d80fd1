;; tries: 16 log lines of 512 bytes on every event (8 are kept per callback)
;; expect: healthy
;; report: logs=3200 logsDropped=3200
(module
  (import "ringfence" "log" (func $log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (global.set $r (i32.const 0)) (loop $l (drop (call $log (i32.const 3) (i32.const 4096) (i32.const 512))) (global.set $r (i32.add (global.get $r) (i32.const 1))) (br_if $l (i32.lt_u (global.get $r) (i32.const 16)))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
