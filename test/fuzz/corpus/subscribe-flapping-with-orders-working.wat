;; tries: a resting GTC bid on instrument 0, then unsubscribes from everything and resubscribes on alternate events (and from rf_on_order), hoping fills or its own events get lost while it is not listening
;; expect: healthy
(module
  (import "ringfence" "submit_order" (func $submit (param i32) (result i32)))
  (import "ringfence" "subscribe" (func $subscribe (param i32 i32) (result i32)))
  (import "ringfence" "set_timer" (func $timer (param i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start") (drop (call $timer (i32.const 500) (i32.const 1))))
  (func (export "rf_on_market")
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    ;; a 1-lot bid one tick under the bid of each quote on instrument 0 (it fills when the market comes down)
    (if (i32.and (i32.eq (i32.load (i32.const 1024)) (i32.const 1)) (i32.eqz (i32.load (i32.const 1028)))) (then
      (i32.store (i32.const 2048) (i32.const 0)) (i32.store (i32.const 2052) (i32.const 0x00010101))
      (i64.store (i32.const 2056) (i64.sub (i64.load (i32.const 1048)) (i64.const 1)))
      (i64.store (i32.const 2064) (i64.const 1)) (i64.store (i32.const 2072) (i64.const 0))
      (drop (call $submit (i32.const 2048)))))
    (drop (call $subscribe (i32.const -1) (i32.and (global.get $n) (i32.const 3)))))
  (func (export "rf_on_order") (drop (call $subscribe (i32.const 0) (i32.const 0))))
  (func (export "rf_on_timer") (drop (call $subscribe (i32.const -1) (i32.const 3))) (drop (call $timer (i32.const 500) (i32.const 1))))
  (func (export "rf_stop"))
)
