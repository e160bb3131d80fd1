// Every host call a ringfence guest may import, and nothing else: the one
// place in the SDK where the `ringfence` namespace is named. Names and
// signatures mirror host/abi/callTable.ts HOST_CALLS exactly (all i32 on the
// boundary; test/unit/abi/sdkAgreement.test.ts compares the compiled import
// section with the table). Use the friendly wrappers in index.ts instead.

@external("ringfence", "submit_order")
export declare function submitOrder(reqPtr: usize): i32;

@external("ringfence", "cancel_order")
export declare function cancelOrder(orderId: i32): i32;

@external("ringfence", "read_position")
export declare function readPosition(instrument: u32, outPtr: usize): i32;

@external("ringfence", "read_orders")
export declare function readOrders(outPtr: usize, max: i32): i32;

@external("ringfence", "event_time")
export declare function eventTime(outPtr: usize): i32;

@external("ringfence", "set_timer")
export declare function setTimer(delayUs: i32, tag: u32): i32;

@external("ringfence", "cancel_timer")
export declare function cancelTimer(timerId: i32): i32;

@external("ringfence", "log")
export declare function log(level: i32, ptr: usize, len: i32): i32;

@external("ringfence", "param")
export declare function param(keyPtr: usize, keyLen: i32, outPtr: usize): i32;

@external("ringfence", "instrument_info")
export declare function instrumentInfo(instrument: u32, outPtr: usize): i32;

@external("ringfence", "subscribe")
export declare function subscribe(instrument: i32, kinds: i32): i32;

@external("ringfence", "abort")
export declare function abort(msgPtr: usize, filePtr: usize, line: u32, column: u32): void;
