;; tries: grows one page per event and writes to the newest page without checking the result
;; expect: fault memory_limit in rf_on_market
(module
  (memory (export "memory") 1 1000)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (drop (memory.grow (i32.const 1))) (i32.store (i32.sub (i32.shl (i32.add (global.get $n) (i32.const 2)) (i32.const 16)) (i32.const 4)) (i32.const 1)) (global.set $n (i32.add (global.get $n) (i32.const 1))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
