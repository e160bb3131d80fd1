;; tries: re-arms a zero-delay timer from rf_on_timer forever: without a bound, the engine fires it again and again within one event and never returns
;; expect: healthy
;; fixed: StrategyRunner.onMarket fires timers while nextDueNs() <= event time, and a timer armed from rf_on_timer with delay 0 is due at once: the loop never ends (host hang) (fixed; kept as a regression case)
(module
  (import "ringfence" "set_timer" (func $set_timer (param i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start")
    (drop (call $set_timer (i32.const 0) (i32.const 1))))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer")
    (drop (call $set_timer (i32.const 0) (i32.const 1))))
  (func (export "rf_stop"))
)
