import { EventKind, HostStatus, OrderStatus, OrderType, Side, TimeInForce } from "../abi/codes.ts";
import { EventWord } from "../abi/eventRecord.ts";
import { readI64 } from "../abi/int64.ts";
import type { RiskView } from "../risk/riskGate.ts";
import { Account, EMPTY_ACCOUNT, type AccountView } from "./account.ts";
import type { EventQueue } from "./eventQueue.ts";
import { DEFAULT_FILL_MODEL, type FillModel, type FillPrice } from "./fillModel.ts";
import type { OrderFields } from "./orderFields.ts";
import { MutableVenueOrder, type VenueOrder } from "./venueOrder.ts";

const NO_WORDS = new Int32Array(0);

export interface VenueStats {
  /** Orders accepted by submit (after risk). */
  orders: number;
  /** Fill events. */
  fills: number;
  /** Orders cancelled (cancel and cancelAll). */
  cancels: number;
  filledLots: number;
}

/**
 * A deterministic simulated venue for ONE strategy. Strategies never trade
 * against each other: each has its own SimVenue and sees the recorded market
 * as if alone, so its results never depend on its co-tenants.
 *
 * Orders arrive only through the risk gate (the engine calls check() first);
 * submit does not re-check risk. Whatever happens to an order is pushed to
 * the injected EventQueue as Fill / OrderUpdate records (eventRecord.ts):
 *
 *   submit, fully filled        Fill(leaves 0), OrderUpdate(Filled)
 *   submit, partly filled, GTC  Fill(leaves n), OrderUpdate(PartiallyFilled, leaves n)
 *   submit, not filled, GTC     OrderUpdate(Working, leaves qty)
 *   IOC / market remainder      [Fill], OrderUpdate(Expired, leaves 0)
 *   resting order fills         Fill, OrderUpdate(PartiallyFilled | Filled)
 *   cancel / cancelAll          OrderUpdate(Cancelled | given status, leaves 0)
 *
 * Liquidity: each quote's displayed bid/ask size and each trade print's size
 * can be taken once per strategy. A quote's size stays available to new
 * orders (minus what this strategy took) until the next quote for that
 * instrument replaces it; a print's size is offered once, to resting orders,
 * when the print arrives (up to its size to resting buys and, separately,
 * up to its size to resting sells: a print has a buyer and a seller).
 * Resting orders meet liquidity in price-time priority (best price first,
 * then lower order id), buys before sells.
 *
 * Only the array growth of the order lists and of the EventQueue allocates;
 * order objects are pooled.
 */
export class SimVenue {
  readonly instrumentCount: number;
  readonly stats: VenueStats = { orders: 0, fills: 0, cancels: 0, filledLots: 0 };
  /** The RiskView the risk gate reads for this venue's strategy. */
  readonly riskView: RiskView;

  private readonly out: EventQueue;
  private readonly model: FillModel;
  private readonly accounts: Account[];
  // Last quote per instrument; a side is absent (0) unless price and size were both > 0.
  private readonly bidTicks: Float64Array;
  private readonly bidLots: Float64Array;
  private readonly askTicks: Float64Array;
  private readonly askLots: Float64Array;
  // Untaken lots of the current quote (this strategy's own consumption).
  private readonly bidAvail: Float64Array;
  private readonly askAvail: Float64Array;
  private readonly lastTradeTicks: Float64Array;
  /**
   * An instrument's last quote is decoded only when something reads it
   * (settleQuote), or when the caller's words are about to change
   * (keepQuotes). Until then it is where onMarket saw it: the record at
   * quoteAt[i] in `source`, with pending[i] = 1.
   */
  private source: Int32Array = NO_WORDS;
  private readonly quoteAt: Int32Array;
  private readonly pending: Uint8Array;
  /** Instruments quoted from `source` since the last keepQuotes (each once: `listed`), so keeping is O(quoted), not O(instruments). */
  private readonly quoted: Int32Array;
  private readonly listed: Uint8Array;
  private quotedCount = 0;
  /** Working orders by ascending id (ids are issued in order, so new ones go last). */
  private readonly working: MutableVenueOrder[] = [];
  /** Per instrument: buys by price desc then id asc; sells by price asc then id asc. */
  private readonly buys: MutableVenueOrder[][];
  private readonly sells: MutableVenueOrder[][];
  private readonly pool: MutableVenueOrder[] = [];
  private readonly fillPrice: FillPrice = { priceTicks: 0 };
  private nextOrderId = 1;

  constructor(instrumentCount: number, out: EventQueue, fillModel: FillModel = DEFAULT_FILL_MODEL) {
    if (!Number.isSafeInteger(instrumentCount) || instrumentCount < 0) {
      throw new RangeError(`SimVenue: instrumentCount must be a non-negative integer, got ${instrumentCount}`);
    }
    this.instrumentCount = instrumentCount;
    this.out = out;
    this.model = fillModel;
    this.accounts = Array.from({ length: instrumentCount }, () => new Account());
    this.bidTicks = new Float64Array(instrumentCount);
    this.bidLots = new Float64Array(instrumentCount);
    this.askTicks = new Float64Array(instrumentCount);
    this.askLots = new Float64Array(instrumentCount);
    this.bidAvail = new Float64Array(instrumentCount);
    this.askAvail = new Float64Array(instrumentCount);
    this.lastTradeTicks = new Float64Array(instrumentCount);
    this.quoteAt = new Int32Array(instrumentCount);
    this.pending = new Uint8Array(instrumentCount);
    this.quoted = new Int32Array(instrumentCount);
    this.listed = new Uint8Array(instrumentCount);
    this.buys = Array.from({ length: instrumentCount }, () => []);
    this.sells = Array.from({ length: instrumentCount }, () => []);
    const venue = this;
    this.riskView = {
      instrumentCount,
      positionLots: (i) => venue.account(i).positionLots,
      workingBuyLots: (i) => venue.account(i).workingBuyLots,
      workingSellLots: (i) => venue.account(i).workingSellLots,
      workingOrders: () => venue.working.length,
      referencePriceTicks: (i) => venue.referencePriceTicks(i),
    };
  }

  /**
   * A Quote or Trade record at words[at..at+16): updates this venue's view of
   * the book and fills resting orders it crosses. Other kinds, unknown
   * instruments and malformed sides (price or size not > 0) are ignored.
   *
   * The venue may go on reading a quote from `words` after this returns:
   * call keepQuotes() before those words are overwritten or handed back (a
   * ring slot released, a batch buffer refilled). Passing a different array
   * does that by itself.
   */
  onMarket(words: Int32Array, at: number): void {
    const kind = words[at + EventWord.kind];
    const i = words[at + EventWord.instrument] >>> 0;
    if (i >= this.instrumentCount) return;
    if (words !== this.source) {
      this.keepQuotes();
      this.source = words;
    }
    // Only a fill needs the event's seq and time, and only a resting order
    // needs the quote decoded now: on the tick path (nothing resting on this
    // instrument) a quote is only noted where it is, and decoded when
    // something reads it (settleQuote). Copying its 8 words on every event
    // cost ~8 ns of the ~53 ns a worker spends per event. Matching is kept
    // out of line so that this stays small enough for V8 to inline into the
    // runner's per-event loop (a call per strategy per event).
    if (kind === EventKind.Quote) {
      this.quoteAt[i] = at;
      this.pending[i] = 1;
      if (this.listed[i] === 0) {
        this.listed[i] = 1;
        this.quoted[this.quotedCount++] = i;
      }
      if (this.working.length > 0 && this.buys[i].length + this.sells[i].length > 0) this.matchQuote(words, at, i);
    } else if (kind === EventKind.Trade) {
      const price = readI64(words, at + EventWord.priceLo);
      if (!(price > 0)) return;
      this.lastTradeTicks[i] = price;
      if (this.working.length > 0 && this.buys[i].length + this.sells[i].length > 0) this.matchTrade(words, at, i, price);
    }
  }

  /** A quote on an instrument with resting orders: fills what it crosses. */
  private matchQuote(words: Int32Array, at: number, i: number): void {
    this.settleQuote(i);
    const seq = readI64(words, at + EventWord.seqLo);
    const timeNs = readI64(words, at + EventWord.timeLo);
    if (this.askTicks[i] > 0) this.askAvail[i] = this.matchResting(this.buys[i], EventKind.Quote, this.askTicks[i], this.askLots[i], seq, timeNs);
    if (this.bidTicks[i] > 0) this.bidAvail[i] = this.matchResting(this.sells[i], EventKind.Quote, this.bidTicks[i], this.bidLots[i], seq, timeNs);
  }

  /** A trade print (price > 0) on an instrument with resting orders: fills what it crosses. */
  private matchTrade(words: Int32Array, at: number, i: number, price: number): void {
    const lots = readI64(words, at + EventWord.qtyLo);
    if (!(lots > 0)) return;
    const seq = readI64(words, at + EventWord.seqLo);
    const timeNs = readI64(words, at + EventWord.timeLo);
    this.matchResting(this.buys[i], EventKind.Trade, price, lots, seq, timeNs);
    this.matchResting(this.sells[i], EventKind.Trade, price, lots, seq, timeNs);
  }

  /**
   * Decodes instrument i's last quote from its kept words, once. A side is
   * absent (0) unless price and size are both > 0; NaN (out of ±2^53) fails
   * `> 0`, so a malformed side is simply absent.
   */
  private settleQuote(i: number): void {
    if (this.pending[i] === 0) return;
    this.pending[i] = 0;
    const q = this.source;
    const at = this.quoteAt[i];
    const bid = readI64(q, at + EventWord.priceLo);
    const bidLots = readI64(q, at + EventWord.qtyLo);
    const ask = readI64(q, at + EventWord.price2Lo);
    const askLots = readI64(q, at + EventWord.qty2Lo);
    const bidOk = bid > 0 && bidLots > 0;
    const askOk = ask > 0 && askLots > 0;
    this.bidTicks[i] = bidOk ? bid : 0;
    this.bidLots[i] = bidOk ? bidLots : 0;
    this.bidAvail[i] = bidOk ? bidLots : 0;
    this.askTicks[i] = askOk ? ask : 0;
    this.askLots[i] = askOk ? askLots : 0;
    this.askAvail[i] = askOk ? askLots : 0;
  }

  /**
   * Decodes every quote still read from the last words given to onMarket, so
   * those words may change (settling early gives the same book: nothing
   * touches a quote between its arrival and its first read). Allocates
   * nothing; costs one decode per instrument quoted since the last call,
   * whatever the instrument count.
   */
  keepQuotes(): void {
    for (let n = 0; n < this.quotedCount; n++) {
      const i = this.quoted[n];
      this.listed[i] = 0;
      this.settleQuote(i);
    }
    this.quotedCount = 0;
  }

  /** The id the next accepted submit will issue (ids are sequential per venue). */
  get nextId(): number {
    return this.nextOrderId;
  }

  /**
   * Places an order that already passed the risk gate. Returns its id (> 0,
   * sequential per venue), or HostStatus.UnknownInstrument for an instrument
   * index out of range (the gate denies those first; this is a backstop).
   * Other fields are trusted: the call table validated them.
   */
  submit(order: OrderFields, timeNs: number, seq: number): number {
    const i = order.instrument;
    if (!(i >= 0 && i < this.instrumentCount) || Math.floor(i) !== i) return HostStatus.UnknownInstrument;
    const o = this.pool.length > 0 ? this.pool.pop()! : new MutableVenueOrder();
    o.orderId = this.nextOrderId++;
    o.instrument = i;
    o.side = order.side;
    o.type = order.type;
    o.tif = order.tif;
    o.clientTag = order.clientTag;
    o.priceTicks = order.type === OrderType.Market ? 0 : order.priceTicks;
    o.qtyLots = order.qtyLots;
    o.leavesLots = order.qtyLots;
    o.filledLots = 0;
    this.stats.orders++;

    this.settleQuote(i);
    const buy = o.side === Side.Buy;
    const touch = buy ? this.askTicks[i] : this.bidTicks[i];
    const avail = buy ? this.askAvail[i] : this.bidAvail[i];
    if (touch > 0 && avail > 0) {
      const lots = clip(this.model.onSubmit(o, touch, avail, this.fillPrice), o.leavesLots, avail);
      if (lots > 0) {
        if (buy) this.askAvail[i] = avail - lots;
        else this.bidAvail[i] = avail - lots;
        this.fill(o, this.fillPrice.priceTicks, lots, false, seq, timeNs);
      }
    }
    if (o.leavesLots === 0) {
      this.update(o, OrderStatus.Filled, 0, seq, timeNs);
      this.pool.push(o);
    } else if (o.type === OrderType.Market || o.tif === TimeInForce.IOC) {
      o.leavesLots = 0; // nothing left working (FIX: LeavesQty 0 once expired)
      this.update(o, OrderStatus.Expired, 0, seq, timeNs);
      this.pool.push(o);
    } else {
      this.rest(o);
      this.update(o, o.filledLots > 0 ? OrderStatus.PartiallyFilled : OrderStatus.Working, 0, seq, timeNs);
    }
    return o.orderId;
  }

  /** HostStatus.Ok (Cancelled update pushed), UnknownOrder (never issued) or OrderNotWorking (done already). */
  cancel(orderId: number, timeNs: number, seq: number): number {
    if (!(orderId >= 1 && orderId < this.nextOrderId) || Math.floor(orderId) !== orderId) return HostStatus.UnknownOrder;
    const k = this.indexOfWorking(orderId);
    if (k < 0) return HostStatus.OrderNotWorking;
    const o = this.working[k];
    removeAt(this.working, k);
    const book = o.side === Side.Buy ? this.buys[o.instrument] : this.sells[o.instrument];
    removeAt(book, book.indexOf(o));
    this.accounts[o.instrument].reduceWorking(o.side, o.leavesLots, true);
    o.leavesLots = 0;
    this.stats.cancels++;
    this.update(o, OrderStatus.Cancelled, 0, seq, timeNs);
    this.pool.push(o);
    return HostStatus.Ok;
  }

  /**
   * Cancels every working order in ascending id order with `status` (e.g.
   * CancelledByRisk on quarantine or kill switch) and `reason` in the
   * update's flags; returns how many.
   */
  cancelAll(status: number, timeNs: number, seq: number, reason: number = 0): number {
    const n = this.working.length;
    for (let k = 0; k < n; k++) {
      const o = this.working[k];
      this.accounts[o.instrument].reduceWorking(o.side, o.leavesLots, true);
      o.leavesLots = 0;
      this.update(o, status, reason, seq, timeNs);
      this.pool.push(o);
    }
    this.working.length = 0;
    for (let i = 0; i < this.instrumentCount; i++) {
      this.buys[i].length = 0;
      this.sells[i].length = 0;
    }
    this.stats.cancels += n;
    return n;
  }

  /** The strategy's account in instrument i (a frozen empty account when i is out of range). */
  account(instrument: number): Readonly<AccountView> {
    const a = this.accounts[instrument];
    return a === undefined ? EMPTY_ACCOUNT : a;
  }

  /** Mid of the last quote when it had both sides (floored), else the last trade, else 0. */
  referencePriceTicks(instrument: number): number {
    if (!(instrument >= 0 && instrument < this.instrumentCount) || Math.floor(instrument) !== instrument) return 0;
    this.settleQuote(instrument);
    const bid = this.bidTicks[instrument];
    const ask = this.askTicks[instrument];
    // bid + floor((ask - bid) / 2) == floor((bid + ask) / 2) without forming bid + ask (> 2^53 possible).
    // Below 2^31 (nearly every price) the halving is an integer shift, not a
    // double division and floor on the risk check's path.
    if (bid > 0 && ask > 0) return bid < 0x80000000 && ask < 0x80000000 ? bid + ((ask - bid) >> 1) : bid + Math.floor((ask - bid) / 2);
    return this.lastTradeTicks[instrument];
  }

  /** The price positions are marked at: the same as the risk reference price, so PnL and risk agree. */
  markPriceTicks(instrument: number): number {
    return this.referencePriceTicks(instrument);
  }

  /** Working orders in ascending id order. Does not allocate; see VenueOrder about object reuse. */
  workingOrders(): Iterable<VenueOrder> {
    return this.working;
  }

  get workingOrderCount(): number {
    return this.working.length;
  }

  /** Resting orders of one side meet `availableLots` at `eventTicks`; returns the lots left untaken. */
  private matchResting(
    book: MutableVenueOrder[], kind: number, eventTicks: number, availableLots: number, seq: number, timeNs: number,
  ): number {
    let avail = availableLots;
    let k = 0;
    while (k < book.length && avail > 0) {
      const o = book[k];
      const lots = clip(this.model.onResting(o, kind, eventTicks, avail, this.fillPrice), o.leavesLots, avail);
      if (lots === 0) {
        k++;
        continue;
      }
      avail -= lots;
      this.fill(o, this.fillPrice.priceTicks, lots, true, seq, timeNs);
      if (o.leavesLots === 0) {
        removeAt(book, k);
        removeAt(this.working, this.indexOfWorking(o.orderId));
        this.update(o, OrderStatus.Filled, 0, seq, timeNs);
        this.pool.push(o);
      } else {
        this.update(o, OrderStatus.PartiallyFilled, 0, seq, timeNs);
        k++;
      }
    }
    return avail;
  }

  private fill(o: MutableVenueOrder, priceTicks: number, lots: number, resting: boolean, seq: number, timeNs: number): void {
    o.leavesLots -= lots;
    o.filledLots += lots;
    const a = this.accounts[o.instrument];
    a.applyFill(o.side, priceTicks, lots);
    if (resting) a.reduceWorking(o.side, lots, o.leavesLots === 0);
    this.stats.fills++;
    this.stats.filledLots += lots;
    this.out.pushFill(o.instrument, seq, timeNs, priceTicks, lots, o.leavesLots, o.orderId, o.side);
  }

  private update(o: MutableVenueOrder, status: number, reason: number, seq: number, timeNs: number): void {
    this.out.pushOrderUpdate(o.instrument, seq, timeNs, o.priceTicks, o.leavesLots, o.filledLots, o.orderId, status, reason);
  }

  /** Inserts a new working order into its side's book (priority order) and the id list. */
  private rest(o: MutableVenueOrder): void {
    this.working.push(o); // largest id so far: stays sorted
    this.accounts[o.instrument].addWorking(o.side, o.leavesLots);
    const buy = o.side === Side.Buy;
    const book = buy ? this.buys[o.instrument] : this.sells[o.instrument];
    // New order has the largest id, so it goes after every order at the same price.
    let k = book.length;
    book.push(o);
    while (k > 0 && (buy ? book[k - 1].priceTicks < o.priceTicks : book[k - 1].priceTicks > o.priceTicks)) {
      book[k] = book[k - 1];
      k--;
    }
    book[k] = o;
  }

  /** Binary search of the id-ordered working list; -1 when absent. */
  private indexOfWorking(orderId: number): number {
    const w = this.working;
    let lo = 0;
    let hi = w.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const id = w[mid].orderId;
      if (id === orderId) return mid;
      if (id < orderId) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** A model's answer clipped to what the order still wants and what is left (never trusts the policy). */
function clip(lots: number, leaves: number, avail: number): number {
  if (!(lots > 0)) return 0;
  let n = Math.floor(lots);
  if (n > leaves) n = leaves;
  if (n > avail) n = avail;
  return n;
}

/** Removes a[k] keeping order, without splice (which allocates its result array). */
function removeAt<T>(a: T[], k: number): void {
  for (let j = k + 1; j < a.length; j++) a[j - 1] = a[j];
  a.length--;
}
