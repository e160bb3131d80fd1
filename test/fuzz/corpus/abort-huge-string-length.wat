;; tries: abort with an AssemblyScript string header claiming 2^32-1 bytes
;; expect: fault abort in rf_start at -1
(module
  (import "ringfence" "abort" (func $abort (param i32 i32 i32 i32)))
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start")
    (i32.store (i32.const 60) (i32.const -1)) (call $abort (i32.const 64) (i32.const 64) (i32.const 1) (i32.const 1)))
  (func (export "rf_on_market"))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
