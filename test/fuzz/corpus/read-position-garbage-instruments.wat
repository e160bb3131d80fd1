;; tries: read_position for instruments -1, 2 and 2^31-1
;; expect: healthy
(module
  (import "ringfence" "read_position" (func $read_position (param i32 i32) (result i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (drop (call $read_position (i32.const -1) (i32.const 4096))) (drop (call $read_position (i32.const 2) (i32.const 4096))) (drop (call $read_position (i32.const 0x7fffffff) (i32.const 4096))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
