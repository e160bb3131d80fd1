;; tries: declares its own global named __rf_fuel (not exported), hoping metering reuses it
;; expect: healthy
(module
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (global.set $__rf_fuel (i32.const 2147483647)))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
  (global $__rf_fuel (mut i32) (i32.const 0))
)
