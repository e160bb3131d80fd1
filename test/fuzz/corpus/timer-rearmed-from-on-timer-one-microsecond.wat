;; tries: re-arms a 1 µs timer from rf_on_timer during the first 5 events: hundreds of timer callbacks, each with a full fuel budget, between two market events
;; expect: healthy
;; fixed: timers re-armed from rf_on_timer fire as often as event time allows (gap / delay times per market event, each with a full fuel budget): fuel per market event is unbounded (fixed; kept as a regression case)
(module
  (import "ringfence" "set_timer" (func $set_timer (param i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start")
    (drop (call $set_timer (i32.const 1) (i32.const 1))))
  (func (export "rf_on_market")
    (global.set $n (i32.add (global.get $n) (i32.const 1))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer")
    (if (i32.lt_u (global.get $n) (i32.const 5)) (then (drop (call $set_timer (i32.const 1) (i32.const 1))))))
  (func (export "rf_stop"))
)
