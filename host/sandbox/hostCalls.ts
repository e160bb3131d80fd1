/**
 * The host call table: one function per import in host/abi/callTable.ts,
 * each validating every guest argument before use. A bad argument throws
 * GuestFault(bad_host_call), which unwinds the guest and is caught by the
 * sandbox (strategyInstance.ts) — never by the engine loop. Risk denials
 * and "not found" answers are ordinary negative results, not faults.
 *
 * The import object is built from HOST_CALLS alone: null-prototype, frozen,
 * one namespace. A module that imports anything else never gets this far
 * (admission), and instantiation would fail loudly if it did.
 */
import { HOST_CALLS, HOST_CALL_BY_NAME, LOG_FUEL_PER_BYTE, MAX_LOG_BYTES, MAX_PARAM_KEY_BYTES, MAX_TIMER_DELAY_US } from "../abi/callTable.ts";
import { ALL_INSTRUMENTS, HostStatus, LogLevel, MarketData, OrderType, Side, TimeInForce } from "../abi/codes.ts";
import {
  INSTRUMENT_INFO_BYTES, InstrumentInfoOffset, ORDER_REQUEST_BYTES, ORDER_VIEW_BYTES, OrderRequestOffset, OrderViewOffset,
  POSITION_RECORD_BYTES, PositionOffset, RECORD_ALIGN, SYMBOL_BYTES,
} from "../abi/guestRecords.ts";
import { readI64, writeI64 } from "../abi/int64.ts";
import { IMPORT_NAMESPACE } from "../abi/version.ts";
import type { OrderFields } from "../venue/orderFields.ts";
import { FaultKind, GuestFault } from "./faults.ts";
import type { GuestMemory } from "./guestMemory.ts";
import type { HostContext } from "./hostContext.ts";

/** Charges host-call fuel against the guest's budget; throws GuestFault(out_of_fuel) when it runs out. */
export interface FuelMeter {
  charge(cost: number): void;
}

/** Late-bound parts: memory exists only after instantiation. */
export interface HostCallBinding {
  memory: GuestMemory | null;
  meter: FuelMeter;
  ctx: HostContext;
}

const MAX_ABORT_CHARS = 200;
const utf8 = new TextDecoder("utf-8", { fatal: false });
const keyEncoder = new TextDecoder("utf-8", { fatal: true });

function bad(call: string, detail: string): never {
  throw new GuestFault(FaultKind.BadHostCall, `${call}: ${detail}`);
}

function mem(b: HostCallBinding, call: string): GuestMemory {
  if (b.memory === null) bad(call, "called before the module's memory was bound");
  return b.memory;
}

function cost(name: string): number {
  return HOST_CALL_BY_NAME.get(name)!.fuel;
}

/** Builds the frozen, null-prototype import object for one strategy instance. */
export function buildImports(b: HostCallBinding): WebAssembly.Imports {
  const fns: Record<string, (...args: number[]) => number | void> = Object.create(null);
  const ctx = b.ctx;

  // Reused on every call (the call table is single-threaded and nothing keeps
  // them): risk and the venue copy the fields, the audit encodes the args at
  // once. Keeps submit_order — the hot call — free of allocation.
  const order: OrderFields = { instrument: 0, side: Side.Buy, type: OrderType.Limit, tif: TimeInForce.GTC, priceTicks: 0, qtyLots: 0, clientTag: 0 };
  const submitArgs = [0, 0, 0, 0, 0, 0, 0];
  const oneArg = [0];

  const submitCost = cost("submit_order");
  fns.submit_order = (reqPtr: number): number => {
    b.meter.charge(submitCost);
    const m = mem(b, "submit_order");
    if (!m.check(reqPtr, ORDER_REQUEST_BYTES, RECORD_ALIGN)) bad("submit_order", "req_ptr out of bounds or misaligned");
    const p = reqPtr >>> 0;
    const bytes = m.bytes();
    const words = m.words();
    const w = p >> 2;
    const instrument = words[w + (OrderRequestOffset.instrument >> 2)] >>> 0;
    const side = bytes[p + OrderRequestOffset.side];
    const type = bytes[p + OrderRequestOffset.type];
    const tif = bytes[p + OrderRequestOffset.tif];
    const rsv0 = bytes[p + OrderRequestOffset.reserved0];
    const priceTicks = readI64(words, w + (OrderRequestOffset.priceTicks >> 2));
    const qtyLots = readI64(words, w + (OrderRequestOffset.qtyLots >> 2));
    const clientTag = words[w + (OrderRequestOffset.clientTag >> 2)] >>> 0;
    const rsv1 = words[w + (OrderRequestOffset.reserved1 >> 2)];
    if (side !== Side.Buy && side !== Side.Sell) bad("submit_order", `side ${side} is not 1 (buy) or 2 (sell)`);
    if (type !== OrderType.Limit && type !== OrderType.Market) bad("submit_order", `type ${type} is not 1 (limit) or 2 (market)`);
    if (tif !== TimeInForce.GTC && tif !== TimeInForce.IOC) bad("submit_order", `tif ${tif} is not 1 (GTC) or 2 (IOC)`);
    if (rsv0 !== 0 || rsv1 !== 0) bad("submit_order", "reserved fields must be 0");
    if (!(qtyLots > 0)) bad("submit_order", "qty_lots must be > 0 and within ±2^53");
    if (type === OrderType.Limit && !(priceTicks > 0)) bad("submit_order", "limit price_ticks must be > 0 and within ±2^53");
    if (type === OrderType.Market && priceTicks !== 0) bad("submit_order", "market order price_ticks must be 0");
    // An unknown instrument is the risk gate's typed denial (UnknownInstrument), not a fault.
    order.instrument = instrument;
    order.side = side as Side;
    order.type = type as OrderType;
    order.tif = tif as TimeInForce;
    order.priceTicks = priceTicks;
    order.qtyLots = qtyLots;
    order.clientTag = clientTag;
    const result = ctx.submitOrder(order);
    submitArgs[0] = instrument;
    submitArgs[1] = side;
    submitArgs[2] = type;
    submitArgs[3] = tif;
    submitArgs[4] = priceTicks;
    submitArgs[5] = qtyLots;
    submitArgs[6] = clientTag;
    ctx.audit("submit_order", submitArgs, result);
    return result;
  };

  const cancelCost = cost("cancel_order");
  fns.cancel_order = (orderId: number): number => {
    b.meter.charge(cancelCost);
    const result = orderId > 0 ? ctx.cancelOrder(orderId) : HostStatus.UnknownOrder;
    oneArg[0] = orderId;
    ctx.audit("cancel_order", oneArg, result);
    return result;
  };

  const positionCost = cost("read_position");
  fns.read_position = (instrument: number, outPtr: number): number => {
    b.meter.charge(positionCost);
    const m = mem(b, "read_position");
    if (!m.check(outPtr, POSITION_RECORD_BYTES, RECORD_ALIGN)) bad("read_position", "out_ptr out of bounds or misaligned");
    const i = instrument >>> 0;
    if (i >= ctx.instruments.length) {
      ctx.audit("read_position", [i], HostStatus.UnknownInstrument);
      return HostStatus.UnknownInstrument;
    }
    const words = m.words();
    const w = (outPtr >>> 0) >> 2;
    writeI64(words, w + (PositionOffset.positionLots >> 2), ctx.positionLots(i));
    writeI64(words, w + (PositionOffset.cashTicksLots >> 2), ctx.cashTicksLots(i));
    writeI64(words, w + (PositionOffset.workingBuyLots >> 2), ctx.workingBuyLots(i));
    writeI64(words, w + (PositionOffset.workingSellLots >> 2), ctx.workingSellLots(i));
    words[w + (PositionOffset.workingOrders >> 2)] = ctx.workingOrderCount(i);
    words[w + (PositionOffset.fills >> 2)] = ctx.fillCount(i);
    ctx.audit("read_position", [i], HostStatus.Ok);
    return HostStatus.Ok;
  };

  const ordersCost = cost("read_orders");
  fns.read_orders = (outPtr: number, max: number): number => {
    b.meter.charge(ordersCost);
    const m = mem(b, "read_orders");
    if (max < 0 || max > 0xffff) bad("read_orders", `max ${max} outside 0..65535`);
    if (max > 0 && !m.check(outPtr, max * ORDER_VIEW_BYTES, RECORD_ALIGN)) bad("read_orders", "out_ptr..out_ptr+max*40 out of bounds or misaligned");
    b.meter.charge(max); // writing views costs in proportion to the space offered
    const bytes = m.bytes();
    const words = m.words();
    const base = outPtr >>> 0;
    let n = 0;
    ctx.visitWorkingOrders((orderId, o) => {
      if (n < max) {
        const p = base + n * ORDER_VIEW_BYTES;
        const w = p >> 2;
        words[w + (OrderViewOffset.orderId >> 2)] = orderId;
        words[w + (OrderViewOffset.instrument >> 2)] = o.instrument;
        bytes[p + OrderViewOffset.side] = o.side;
        bytes[p + OrderViewOffset.type] = o.type;
        bytes[p + OrderViewOffset.tif] = o.tif;
        bytes[p + OrderViewOffset.reserved] = 0;
        words[w + (OrderViewOffset.clientTag >> 2)] = o.clientTag;
        writeI64(words, w + (OrderViewOffset.priceTicks >> 2), o.priceTicks);
        writeI64(words, w + (OrderViewOffset.leavesLots >> 2), o.leavesLots);
        writeI64(words, w + (OrderViewOffset.filledLots >> 2), o.filledLots);
      }
      n++;
      return true;
    });
    ctx.audit("read_orders", [max], n);
    return n;
  };

  const timeCost = cost("event_time");
  fns.event_time = (outPtr: number): number => {
    b.meter.charge(timeCost);
    const m = mem(b, "event_time");
    if (!m.check(outPtr, 8, RECORD_ALIGN)) bad("event_time", "out_ptr out of bounds or misaligned");
    ctx.writeAbsoluteTime(m.words(), (outPtr >>> 0) >> 2, ctx.timeNs);
    ctx.audit("event_time", [], HostStatus.Ok);
    return HostStatus.Ok;
  };

  const setTimerCost = cost("set_timer");
  fns.set_timer = (delayUs: number, tag: number): number => {
    b.meter.charge(setTimerCost);
    if (delayUs < 0 || delayUs > MAX_TIMER_DELAY_US) bad("set_timer", `delay_us ${delayUs} outside 0..${MAX_TIMER_DELAY_US}`);
    const result = ctx.setTimer(delayUs * 1000, tag >>> 0);
    ctx.audit("set_timer", [delayUs, tag >>> 0], result);
    return result;
  };

  const cancelTimerCost = cost("cancel_timer");
  fns.cancel_timer = (timerId: number): number => {
    b.meter.charge(cancelTimerCost);
    const result = ctx.cancelTimer(timerId);
    ctx.audit("cancel_timer", [timerId], result);
    return result;
  };

  const logCost = cost("log");
  fns.log = (level: number, ptr: number, len: number): number => {
    b.meter.charge(logCost);
    if (level < LogLevel.Debug || level > LogLevel.Error) bad("log", `level ${level} outside 0..3`);
    if (len < 0 || len > MAX_LOG_BYTES) bad("log", `len ${len} outside 0..${MAX_LOG_BYTES}`);
    const m = mem(b, "log");
    if (!m.check(ptr, len, 1)) bad("log", "ptr..ptr+len out of bounds");
    b.meter.charge(len * LOG_FUEL_PER_BYTE);
    const p = ptr >>> 0;
    const text = utf8.decode(m.bytes().subarray(p, p + len));
    const result = ctx.log(level, text);
    ctx.audit("log", [level, len], result, text);
    return result;
  };

  const paramCost = cost("param");
  fns.param = (keyPtr: number, keyLen: number, outPtr: number): number => {
    b.meter.charge(paramCost);
    if (keyLen < 1 || keyLen > MAX_PARAM_KEY_BYTES) bad("param", `key_len ${keyLen} outside 1..${MAX_PARAM_KEY_BYTES}`);
    const m = mem(b, "param");
    if (!m.check(keyPtr, keyLen, 1)) bad("param", "key_ptr..key_ptr+key_len out of bounds");
    if (!m.check(outPtr, 8, RECORD_ALIGN)) bad("param", "out_ptr out of bounds or misaligned");
    let key: string;
    try {
      const p = keyPtr >>> 0;
      key = keyEncoder.decode(m.bytes().subarray(p, p + keyLen));
    } catch {
      bad("param", "key is not valid UTF-8");
    }
    const v = ctx.param(key);
    const result = v === undefined ? HostStatus.NotFound : HostStatus.Ok;
    if (v !== undefined) writeI64(m.words(), (outPtr >>> 0) >> 2, v);
    ctx.audit("param", [keyLen], result, key);
    return result;
  };

  const infoCost = cost("instrument_info");
  fns.instrument_info = (instrument: number, outPtr: number): number => {
    b.meter.charge(infoCost);
    const m = mem(b, "instrument_info");
    if (!m.check(outPtr, INSTRUMENT_INFO_BYTES, RECORD_ALIGN)) bad("instrument_info", "out_ptr out of bounds or misaligned");
    const i = instrument >>> 0;
    if (i >= ctx.instruments.length) {
      ctx.audit("instrument_info", [i], HostStatus.UnknownInstrument);
      return HostStatus.UnknownInstrument;
    }
    const spec = ctx.instruments[i];
    const p = outPtr >>> 0;
    const words = m.words();
    const bytes = m.bytes();
    words[(p + InstrumentInfoOffset.priceDecimals) >> 2] = spec.priceDecimals;
    words[(p + InstrumentInfoOffset.qtyDecimals) >> 2] = spec.qtyDecimals;
    words[(p + InstrumentInfoOffset.reserved0) >> 2] = 0;
    words[(p + InstrumentInfoOffset.reserved1) >> 2] = 0;
    for (let k = 0; k < SYMBOL_BYTES; k++) {
      bytes[p + InstrumentInfoOffset.symbol + k] = k < spec.symbol.length ? spec.symbol.charCodeAt(k) & 0x7f : 0;
    }
    ctx.audit("instrument_info", [i], HostStatus.Ok);
    return HostStatus.Ok;
  };

  const subscribeCost = cost("subscribe");
  const subscribeArgs = [0, 0];
  fns.subscribe = (instrument: number, kinds: number): number => {
    b.meter.charge(subscribeCost);
    if (kinds < MarketData.None || kinds > MarketData.All) bad("subscribe", `kinds ${kinds} is not a MarketData mask (0..3)`);
    const result = instrument === ALL_INSTRUMENTS || instrument >>> 0 < ctx.instruments.length
      ? ctx.subscribe(instrument, kinds)
      : HostStatus.UnknownInstrument;
    subscribeArgs[0] = instrument;
    subscribeArgs[1] = kinds;
    ctx.audit("subscribe", subscribeArgs, result);
    return result;
  };

  fns.abort = (msgPtr: number, filePtr: number, line: number, col: number): void => {
    const m = b.memory;
    const msg = m ? readAsString(m, msgPtr) : "";
    const file = m ? readAsString(m, filePtr) : "";
    const where = file ? ` at ${file}:${line >>> 0}:${col >>> 0}` : "";
    const detail = `abort: ${msg || "(no message)"}${where}`;
    ctx.audit("abort", [line >>> 0, col >>> 0], 0, detail);
    throw new GuestFault(FaultKind.Abort, detail);
  };

  for (const spec of HOST_CALLS) {
    if (typeof fns[spec.name] !== "function") throw new Error(`host call table: no implementation for ${IMPORT_NAMESPACE}.${spec.name}`);
  }
  const ns = Object.freeze(fns);
  const imports = Object.create(null) as WebAssembly.Imports;
  (imports as Record<string, unknown>)[IMPORT_NAMESPACE] = ns;
  return Object.freeze(imports);
}

/**
 * Best-effort read of an AssemblyScript string (UTF-16LE, byte length in the
 * u32 before ptr), bounded and sanitised to printable ASCII so a guest cannot
 * inject terminal escapes or newlines into a one-line fault message.
 */
function readAsString(m: GuestMemory, ptr: number): string {
  const p = ptr >>> 0;
  if (p < 4 || !m.check(p - 4, 4, 4)) return "";
  const byteLen = m.words()[(p - 4) >> 2] >>> 0;
  const chars = Math.min(byteLen >>> 1, MAX_ABORT_CHARS);
  if (!m.check(p, chars * 2, 2)) return "";
  const bytes = m.bytes();
  let s = "";
  for (let i = 0; i < chars; i++) {
    const c = bytes[p + 2 * i] | (bytes[p + 2 * i + 1] << 8);
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
  }
  return s;
}
