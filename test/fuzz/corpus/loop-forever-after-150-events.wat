;; tries: behaves for 150 market events, then loops forever
;; expect: fault out_of_fuel in rf_on_market
;; report: callbacks>150
(module
  (memory (export "memory") 1 16)
  (global $n (mut i32) (i32.const 0))
  (global $r (mut i32) (i32.const 0))
  (func (export "rf_abi_version") (result i32) (i32.const 1))
  (func (export "rf_event_buffer") (result i32) (i32.const 1024))
  (func (export "rf_start"))
  (func (export "rf_on_market")
    (global.set $n (i32.add (global.get $n) (i32.const 1))) (if (i32.ge_u (global.get $n) (i32.const 150)) (then (loop $forever (br $forever)))))
  (func (export "rf_on_order"))
  (func (export "rf_on_timer"))
  (func (export "rf_stop"))
)
