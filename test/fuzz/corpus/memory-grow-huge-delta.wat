;; tries: memory.grow by 2^31-1 and by -1 pages on every event (both refused), carrying on
;; expect: healthy
(module
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (drop (memory.grow (i32.const 0x7fffffff))) (drop (memory.grow (i32.const -1))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
