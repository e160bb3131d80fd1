;; tries: arms 100 timers on each of the first 100 events (64 may be pending)
;; expect: healthy
;; report: callbacks=402
;; sandbox: fuelPerCallback=1000000
(module
  (import "ringfence" "set_timer" (func $set_timer (param i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (global.set $n (i32.add (global.get $n) (i32.const 1))) (if (i32.le_u (global.get $n) (i32.const 100)) (then (global.set $r (i32.const 0)) (loop $l (drop (call $set_timer (i32.const 1000000) (global.get $r))) (global.set $r (i32.add (global.get $r) (i32.const 1))) (br_if $l (i32.lt_u (global.get $r) (i32.const 100)))))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
