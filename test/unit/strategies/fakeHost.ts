/**
 * A fake ringfence host for SDK and strategy tests: the real call table's
 * names and signatures (a frozen, null-prototype import object), strict
 * argument checks like the sandbox's (misaligned or out-of-bounds pointers,
 * bad enums and reserved fields throw), and a tiny venue: market orders
 * fill at the touch, limit orders rest and fill when a later quote crosses
 * them. Events follow the engine's order: resting fills, then due timers,
 * then the market event, and whatever a callback causes is delivered right
 * after it.
 *
 * Not the production sandbox (no fuel, no risk engine): strategies are
 * instantiated directly with WebAssembly so these tests pin the guest side.
 */
import { HOST_CALLS, MAX_LOG_BYTES, MAX_PARAM_KEY_BYTES } from "../../../host/abi/callTable.ts";
import { ALL_INSTRUMENTS, Denial, EventKind, HostStatus, MarketData, OrderStatus, OrderType, Side, TimeInForce } from "../../../host/abi/codes.ts";
import { EVENT_RECORD_ALIGN, EVENT_RECORD_BYTES, EventWord } from "../../../host/abi/eventRecord.ts";
import {
  ORDER_REQUEST_BYTES, ORDER_VIEW_BYTES, OrderRequestOffset, OrderViewOffset, POSITION_RECORD_BYTES, PositionOffset,
  RECORD_ALIGN,
} from "../../../host/abi/guestRecords.ts";
import { readI64, writeI64 } from "../../../host/abi/int64.ts";

export interface HostCall {
  readonly name: string;
  readonly args: readonly number[];
  readonly result: number;
}

export interface FakeOrder {
  readonly id: number;
  readonly instrument: number;
  readonly side: number;
  readonly type: number;
  readonly tif: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  leavesLots: number;
  status: number;
}

export interface FakeFill {
  readonly orderId: number;
  readonly side: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
}

interface Position { lots: number; cash: number; fills: number }
interface Timer { id: number; tag: number; dueNs: number }
interface Book { bid: number; ask: number }
type Pending = { kind: "fill"; orderId: number; side: number; price: number; qty: number; leaves: number; instrument: number }
  | { kind: "update"; orderId: number; status: number; price: number; leaves: number; cum: number; instrument: number };

type GuestExports = {
  memory: WebAssembly.Memory;
  rf_abi_version(): number;
  rf_event_buffer(): number;
  rf_start(): void;
  rf_on_market(): void;
  rf_on_order(): void;
  rf_on_timer(): void;
  rf_stop(): void;
};

/** Instruments the fake knows; others are UnknownInstrument. */
export const KNOWN_INSTRUMENTS = 8;

export class FakeHost {
  readonly calls: HostCall[] = [];
  readonly logs: { level: number; text: string }[] = [];
  readonly orders = new Map<number, FakeOrder>();
  readonly fills: FakeFill[] = [];
  readonly timers = new Map<number, Timer>();
  /** Denial codes to answer the next submits with, oldest first. */
  readonly denyQueue: number[] = [];
  /** When false, call records are not kept (long runs). */
  recordCalls = true;
  timeNs = 1_000_000_000_000; // 1000 s after the epoch; stays far below 2^53
  seq = 0;

  private readonly positions = new Map<number, Position>();
  private readonly books = new Map<number, Book>();
  private readonly pending: Pending[] = [];
  private nextOrderId = 1;
  /** Market data masks per instrument (others: subscribedAll), and what subscribe has set for the next event. */
  private subscribed = new Map<number, number>();
  private subscribedAll: number = MarketData.All;
  private nextSubscribed = new Map<number, number>();
  private nextSubscribedAll: number = MarketData.All;
  /** rf_on_market calls made (market events the guest subscribed to). */
  marketCallbacks = 0;
  private nextTimerId = 1;
  private guest!: GuestExports;
  private eventPtr = 0;

  constructor(private readonly params: ReadonlyMap<string, number> = new Map()) {}

  static async instantiate(wasm: Uint8Array, params?: ReadonlyMap<string, number>): Promise<FakeHost> {
    const host = new FakeHost(params);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>), host.importObject());
    host.guest = instance.exports as unknown as GuestExports;
    host.eventPtr = host.guest.rf_event_buffer();
    if (host.eventPtr % EVENT_RECORD_ALIGN !== 0) throw new Error(`rf_event_buffer ${host.eventPtr} is not ${EVENT_RECORD_ALIGN}-aligned`);
    host.checkRange(host.eventPtr, EVENT_RECORD_BYTES, "rf_event_buffer");
    return host;
  }

  get exports(): GuestExports {
    return this.guest;
  }

  get memoryBytes(): number {
    return this.guest.memory.buffer.byteLength;
  }

  position(instrument: number): number {
    return this.positions.get(instrument)?.lots ?? 0;
  }

  workingOrders(): FakeOrder[] {
    return [...this.orders.values()].filter((o) => o.status === OrderStatus.Working || o.status === OrderStatus.PartiallyFilled);
  }

  callsNamed(name: string): HostCall[] {
    return this.calls.filter((c) => c.name === name);
  }

  start(): void {
    this.guest.rf_start();
    this.drain();
  }

  stop(): void {
    this.guest.rf_stop();
    this.drain();
  }

  /** A Quote: matches resting orders, fires due timers, then rf_on_market. */
  quote(instrument: number, bid: number, ask: number, lots = 10, stepNs = 1_000_000): void {
    this.timeNs += stepNs;
    this.seq++;
    this.applySubscriptions();
    this.books.set(instrument, { bid, ask });
    this.matchResting(instrument, bid, ask);
    this.drain();
    this.fireDueTimers(instrument);
    this.writeEvent(EventKind.Quote, instrument, bid, lots, ask, lots, 0, 0);
    this.market(instrument, EventKind.Quote);
  }

  /** A Trade print (no matching in this fake). */
  trade(instrument: number, price: number, lots: number, aggressor: number, stepNs = 1_000_000): void {
    this.timeNs += stepNs;
    this.seq++;
    this.applySubscriptions();
    this.fireDueTimers(instrument);
    this.writeEvent(EventKind.Trade, instrument, price, lots, 0, 0, 0, aggressor);
    this.market(instrument, EventKind.Trade);
  }

  /** As the engine does at the start of every market event: what subscribe set since the last one applies from this one. */
  private applySubscriptions(): void {
    this.subscribed = new Map(this.nextSubscribed);
    this.subscribedAll = this.nextSubscribedAll;
  }

  /** rf_on_market if subscribed to this instrument and kind. */
  private market(instrument: number, kind: number): void {
    const mask = this.subscribed.get(instrument) ?? this.subscribedAll;
    if ((mask & kind) !== 0) {
      this.marketCallbacks++;
      this.guest.rf_on_market();
    }
    this.drain();
  }

  /** Fills `qty` of a working order at its limit price (as if the market traded through it). */
  fillOrder(orderId: number, qty?: number): void {
    const o = this.orders.get(orderId);
    if (o === undefined || o.leavesLots === 0) throw new Error(`fake: order ${orderId} is not working`);
    this.execute(o, o.priceTicks, qty ?? o.leavesLots);
    this.drain();
  }

  // ------------------------------------------------------------------ venue

  private matchResting(instrument: number, bid: number, ask: number): void {
    for (const o of this.orders.values()) {
      if (o.instrument !== instrument || o.leavesLots === 0 || o.type !== OrderType.Limit) continue;
      if (o.side === Side.Buy && o.priceTicks >= ask) this.execute(o, o.priceTicks, o.leavesLots);
      else if (o.side === Side.Sell && o.priceTicks <= bid) this.execute(o, o.priceTicks, o.leavesLots);
    }
  }

  private execute(o: FakeOrder, price: number, qty: number): void {
    o.leavesLots -= qty;
    const p = this.positions.get(o.instrument) ?? { lots: 0, cash: 0, fills: 0 };
    p.lots += o.side === Side.Buy ? qty : -qty;
    p.cash += (o.side === Side.Sell ? 1 : -1) * price * qty;
    p.fills++;
    this.positions.set(o.instrument, p);
    this.fills.push({ orderId: o.id, side: o.side, priceTicks: price, qtyLots: qty });
    this.pending.push({ kind: "fill", orderId: o.id, side: o.side, price, qty, leaves: o.leavesLots, instrument: o.instrument });
    if (o.leavesLots === 0) {
      o.status = OrderStatus.Filled;
      this.pending.push({ kind: "update", orderId: o.id, status: OrderStatus.Filled, price: o.priceTicks, leaves: 0, cum: o.qtyLots, instrument: o.instrument });
    } else {
      o.status = OrderStatus.PartiallyFilled;
    }
  }

  /** Delivers everything queued, including what the deliveries themselves cause. */
  private drain(): void {
    while (this.pending.length > 0) {
      const ev = this.pending.shift()!;
      if (ev.kind === "fill") {
        this.writeEvent(EventKind.Fill, ev.instrument, ev.price, ev.qty, 0, ev.leaves, ev.orderId, ev.side);
      } else {
        this.writeEvent(EventKind.OrderUpdate, ev.instrument, ev.price, ev.leaves, 0, ev.cum, ev.orderId, ev.status);
      }
      this.guest.rf_on_order();
    }
  }

  private fireDueTimers(instrument: number): void {
    const due = [...this.timers.values()].filter((t) => t.dueNs <= this.timeNs).sort((a, b) => a.dueNs - b.dueNs || a.id - b.id);
    for (const t of due) {
      this.timers.delete(t.id);
      this.writeEvent(EventKind.Timer, instrument, 0, 0, 0, 0, t.id, t.tag);
      this.guest.rf_on_timer();
      this.drain();
    }
  }

  private writeEvent(kind: number, instrument: number, price: number, qty: number, price2: number, qty2: number, ref: number, flags: number): void {
    const w = new Int32Array(this.guest.memory.buffer, this.eventPtr, EVENT_RECORD_BYTES >> 2);
    w[EventWord.kind] = kind;
    w[EventWord.instrument] = instrument;
    writeI64(w, EventWord.seqLo, this.seq);
    writeI64(w, EventWord.timeLo, this.timeNs);
    writeI64(w, EventWord.priceLo, price);
    writeI64(w, EventWord.qtyLo, qty);
    writeI64(w, EventWord.price2Lo, price2);
    writeI64(w, EventWord.qty2Lo, qty2);
    w[EventWord.ref] = ref;
    w[EventWord.flags] = flags;
  }

  // ------------------------------------------------------------------ host calls

  private view(): DataView {
    return new DataView(this.guest.memory.buffer);
  }

  private checkRange(ptr: number, len: number, what: string, align = RECORD_ALIGN): void {
    const size = this.guest.memory.buffer.byteLength;
    if (!Number.isInteger(ptr) || ptr < 0 || ptr + len > size) throw new Error(`bad_host_call: ${what}: ${ptr}+${len} outside memory of ${size}`);
    if (ptr % align !== 0) throw new Error(`bad_host_call: ${what}: pointer ${ptr} not ${align}-aligned`);
  }

  private readI64At(ptr: number): number {
    const dv = this.view();
    const v = readI64(new Int32Array([dv.getInt32(ptr, true), dv.getInt32(ptr + 4, true)]), 0);
    if (Number.isNaN(v)) throw new Error(`bad_host_call: i64 at ${ptr} outside ±2^53`);
    return v;
  }

  private writeI64At(ptr: number, v: number): void {
    const dv = this.view();
    dv.setUint32(ptr, v >>> 0, true);
    dv.setInt32(ptr + 4, Math.floor(v / 4294967296), true);
  }

  private record(name: string, args: number[], result: number): number {
    if (this.recordCalls) this.calls.push({ name, args, result });
    return result;
  }

  private submitOrder(reqPtr: number): number {
    this.checkRange(reqPtr, ORDER_REQUEST_BYTES, "submit_order");
    const dv = this.view();
    const instrument = dv.getUint32(reqPtr + OrderRequestOffset.instrument, true);
    const side = dv.getUint8(reqPtr + OrderRequestOffset.side);
    const type = dv.getUint8(reqPtr + OrderRequestOffset.type);
    const tif = dv.getUint8(reqPtr + OrderRequestOffset.tif);
    const rsv0 = dv.getUint8(reqPtr + OrderRequestOffset.reserved0);
    const price = this.readI64At(reqPtr + OrderRequestOffset.priceTicks);
    const qty = this.readI64At(reqPtr + OrderRequestOffset.qtyLots);
    const rsv1 = dv.getUint32(reqPtr + OrderRequestOffset.reserved1, true);
    if (side !== Side.Buy && side !== Side.Sell) throw new Error(`bad_host_call: submit_order side ${side}`);
    if (type !== OrderType.Limit && type !== OrderType.Market) throw new Error(`bad_host_call: submit_order type ${type}`);
    if (tif !== TimeInForce.GTC && tif !== TimeInForce.IOC) throw new Error(`bad_host_call: submit_order tif ${tif}`);
    if (rsv0 !== 0 || rsv1 !== 0) throw new Error("bad_host_call: submit_order reserved fields not 0");
    if (qty <= 0) throw new Error(`bad_host_call: submit_order qty ${qty}`);
    if (type === OrderType.Limit ? price <= 0 : price !== 0) throw new Error(`bad_host_call: submit_order price ${price} for type ${type}`);
    const args = [instrument, side, type, tif, price, qty];
    const denial = this.denyQueue.shift();
    if (denial !== undefined) return this.record("submit_order", args, -denial);
    const book = this.books.get(instrument);
    if (book === undefined) return this.record("submit_order", args, -Denial.NoReferencePrice);

    const o: FakeOrder = { id: this.nextOrderId++, instrument, side, type, tif, priceTicks: price, qtyLots: qty, leavesLots: qty, status: OrderStatus.Working };
    this.orders.set(o.id, o);
    const touch = side === Side.Buy ? book.ask : book.bid;
    const marketable = type === OrderType.Market || (side === Side.Buy ? price >= book.ask : price <= book.bid);
    if (marketable) this.execute(o, touch, qty);
    else if (tif === TimeInForce.IOC) {
      o.leavesLots = 0;
      o.status = OrderStatus.Expired;
      this.pending.push({ kind: "update", orderId: o.id, status: OrderStatus.Expired, price, leaves: 0, cum: 0, instrument });
    }
    return this.record("submit_order", args, o.id);
  }

  private cancelOrder(orderId: number): number {
    const o = this.orders.get(orderId);
    if (o === undefined) return this.record("cancel_order", [orderId], HostStatus.UnknownOrder);
    if (o.leavesLots === 0) return this.record("cancel_order", [orderId], HostStatus.OrderNotWorking);
    o.status = OrderStatus.Cancelled;
    this.pending.push({ kind: "update", orderId, status: OrderStatus.Cancelled, price: o.priceTicks, leaves: 0, cum: o.qtyLots - o.leavesLots, instrument: o.instrument });
    o.leavesLots = 0;
    return this.record("cancel_order", [orderId], HostStatus.Ok);
  }

  private readPosition(instrument: number, outPtr: number): number {
    this.checkRange(outPtr, POSITION_RECORD_BYTES, "read_position");
    if (instrument >>> 0 >= KNOWN_INSTRUMENTS) return this.record("read_position", [instrument, outPtr], HostStatus.UnknownInstrument);
    const p = this.positions.get(instrument) ?? { lots: 0, cash: 0, fills: 0 };
    const working = this.workingOrders().filter((o) => o.instrument === instrument);
    this.writeI64At(outPtr + PositionOffset.positionLots, p.lots);
    this.writeI64At(outPtr + PositionOffset.cashTicksLots, p.cash);
    this.writeI64At(outPtr + PositionOffset.workingBuyLots, working.filter((o) => o.side === Side.Buy).reduce((s, o) => s + o.leavesLots, 0));
    this.writeI64At(outPtr + PositionOffset.workingSellLots, working.filter((o) => o.side === Side.Sell).reduce((s, o) => s + o.leavesLots, 0));
    const dv = this.view();
    dv.setUint32(outPtr + PositionOffset.workingOrders, working.length, true);
    dv.setUint32(outPtr + PositionOffset.fills, p.fills, true);
    return this.record("read_position", [instrument, outPtr], HostStatus.Ok);
  }

  private readOrders(outPtr: number, max: number): number {
    if (max < 0) throw new Error(`bad_host_call: read_orders max ${max}`);
    if (max > 0) this.checkRange(outPtr, max * ORDER_VIEW_BYTES, "read_orders");
    const working = this.workingOrders();
    const dv = this.view();
    for (let i = 0; i < Math.min(max, working.length); i++) {
      const o = working[i];
      const at = outPtr + i * ORDER_VIEW_BYTES;
      dv.setUint32(at + OrderViewOffset.orderId, o.id, true);
      dv.setUint32(at + OrderViewOffset.instrument, o.instrument, true);
      dv.setUint8(at + OrderViewOffset.side, o.side);
      dv.setUint8(at + OrderViewOffset.type, o.type);
      dv.setUint8(at + OrderViewOffset.tif, o.tif);
      dv.setUint8(at + OrderViewOffset.reserved, 0);
      dv.setUint32(at + OrderViewOffset.clientTag, 0, true);
      this.writeI64At(at + OrderViewOffset.priceTicks, o.priceTicks);
      this.writeI64At(at + OrderViewOffset.leavesLots, o.leavesLots);
      this.writeI64At(at + OrderViewOffset.filledLots, o.qtyLots - o.leavesLots);
    }
    return this.record("read_orders", [outPtr, max], working.length);
  }

  private eventTime(outPtr: number): number {
    this.checkRange(outPtr, 8, "event_time");
    this.writeI64At(outPtr, this.timeNs);
    return this.record("event_time", [outPtr], HostStatus.Ok);
  }

  private setTimer(delayUs: number, tag: number): number {
    if (delayUs < 0) throw new Error(`bad_host_call: set_timer delay ${delayUs}`);
    const id = this.nextTimerId++;
    this.timers.set(id, { id, tag: tag >>> 0, dueNs: this.timeNs + delayUs * 1000 });
    return this.record("set_timer", [delayUs, tag >>> 0], id);
  }

  private cancelTimer(timerId: number): number {
    const ok = this.timers.delete(timerId);
    return this.record("cancel_timer", [timerId], ok ? HostStatus.Ok : HostStatus.UnknownTimer);
  }

  private log(level: number, ptr: number, len: number): number {
    if (level < 0 || level > 3) throw new Error(`bad_host_call: log level ${level}`);
    if (len < 0 || len > MAX_LOG_BYTES) throw new Error(`bad_host_call: log len ${len}`);
    this.checkRange(ptr, len, "log", 1);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(this.guest.memory.buffer, ptr, len));
    this.logs.push({ level, text });
    return this.record("log", [level, len], HostStatus.Ok);
  }

  private param(keyPtr: number, keyLen: number, outPtr: number): number {
    if (keyLen < 1 || keyLen > MAX_PARAM_KEY_BYTES) throw new Error(`bad_host_call: param key_len ${keyLen}`);
    this.checkRange(keyPtr, keyLen, "param key", 1);
    this.checkRange(outPtr, 8, "param out");
    const key = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(this.guest.memory.buffer, keyPtr, keyLen));
    const v = this.params.get(key);
    if (v === undefined) return this.record("param", [keyLen], HostStatus.NotFound);
    this.writeI64At(outPtr, v);
    return this.record("param", [keyLen], HostStatus.Ok);
  }

  private instrumentInfo(instrument: number, outPtr: number): number {
    this.checkRange(outPtr, 32, "instrument_info");
    if (instrument >>> 0 >= KNOWN_INSTRUMENTS) return this.record("instrument_info", [instrument], HostStatus.UnknownInstrument);
    const bytes = new Uint8Array(this.guest.memory.buffer, outPtr, 32);
    bytes.fill(0);
    const dv = this.view();
    dv.setUint32(outPtr, 2, true);
    dv.setUint32(outPtr + 4, 0, true);
    const symbol = `SYM${instrument}`;
    for (let i = 0; i < symbol.length; i++) bytes[16 + i] = symbol.charCodeAt(i);
    return this.record("instrument_info", [instrument], HostStatus.Ok);
  }

  private subscribe(instrument: number, kinds: number): number {
    if (kinds < MarketData.None || kinds > MarketData.All) throw new Error(`bad_host_call: subscribe kinds ${kinds}`);
    if (instrument === ALL_INSTRUMENTS) {
      this.nextSubscribed.clear();
      this.nextSubscribedAll = kinds;
    } else if (instrument >>> 0 < KNOWN_INSTRUMENTS) {
      this.nextSubscribed.set(instrument, kinds);
    } else {
      return this.record("subscribe", [instrument, kinds], HostStatus.UnknownInstrument);
    }
    return this.record("subscribe", [instrument, kinds], HostStatus.Ok);
  }

  private abort(msgPtr: number, filePtr: number, line: number, col: number): never {
    throw new Error(`guest abort: ${this.asString(msgPtr)} at ${this.asString(filePtr)}:${line}:${col}`);
  }

  /** An AssemblyScript string: UTF-16LE, byte length in the u32 before the pointer. */
  asString(ptr: number): string {
    if (ptr === 0) return "(null)";
    const dv = this.view();
    const len = dv.getUint32(ptr - 4, true);
    let s = "";
    for (let i = 0; i < len; i += 2) s += String.fromCharCode(dv.getUint16(ptr + i, true));
    return s;
  }

  /** The import object: frozen, null-prototype, exactly the HOST_CALLS names. */
  importObject(): WebAssembly.Imports {
    const impls: Record<string, (...args: number[]) => number | void> = {
      submit_order: (p) => this.submitOrder(p),
      cancel_order: (id) => this.cancelOrder(id),
      read_position: (i, p) => this.readPosition(i, p),
      read_orders: (p, m) => this.readOrders(p, m),
      event_time: (p) => this.eventTime(p),
      set_timer: (d, t) => this.setTimer(d, t),
      cancel_timer: (id) => this.cancelTimer(id),
      log: (l, p, n) => this.log(l, p, n),
      param: (k, n, o) => this.param(k, n, o),
      instrument_info: (i, o) => this.instrumentInfo(i, o),
      subscribe: (i, k) => this.subscribe(i, k),
      abort: (m, f, l, c) => this.abort(m, f, l, c),
    };
    const ns = Object.create(null) as Record<string, unknown>;
    for (const call of HOST_CALLS) {
      const fn = impls[call.name];
      if (fn === undefined) throw new Error(`fake host has no implementation of ringfence.${call.name}`);
      ns[call.name] = fn;
    }
    const root = Object.create(null) as Record<string, unknown>;
    root.ringfence = Object.freeze(ns);
    return Object.freeze(root) as WebAssembly.Imports;
  }
}
