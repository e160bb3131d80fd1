/**
 * A strategy worker: polls the broadcast ring, copies each event into every
 * hosted strategy's own sandbox (guests never see shared memory), and
 * reports orders, venue events and faults over its SPSC order ring. Risk
 * runs here, inside the call table, because submit_order must answer the
 * guest synchronously and identically to a backtest; the host only ever
 * sees orders that already passed it.
 */
import "../engine/v8Tuning.ts";
import { join } from "node:path";
import { errorLine } from "../text/printable.ts";
import { parentPort, workerData } from "node:worker_threads";
import { EVENT_RECORD_WORDS, EventWord } from "../abi/eventRecord.ts";
import { EventKind, KillSwitchState } from "../abi/codes.ts";
import { lo32, hi32 } from "../abi/int64.ts";
import { AUDIT_BLOCK_ENTRIES } from "../audit/auditFormat.ts";
import { AuditLog } from "../audit/auditLog.ts";
import { StrategyRunner, type RunnerObserver } from "../engine/strategyRunner.ts";
import { RingPolicy } from "../ring/broadcastLayout.ts";
import { BroadcastReader } from "../ring/broadcastRing.ts";
import { INSUFFICIENT_CAPACITY, SpscProducer } from "../ring/spscRing.ts";
import { waitStrategy } from "../ring/wait/index.ts";
import type { Fault } from "../sandbox/faults.ts";
import type { OrderFields } from "../venue/orderFields.ts";
import { HostField, StrategyField, WorkerField, WorkerState, hostWord, strategyWord, workerWord } from "./controlLayout.ts";
import {
  ATTACH_MSG_WORDS, CANCEL_MSG_WORDS, STAMP_MSG_WORDS, STAMP_SENT_AT_WORD, GAP_MSG_WORDS, ORDER_MSG_WORDS, OrderMsg, VENUE_MSG_WORDS,
  faultPayloadBytes, faultTexts, writeFaultPayload, writeOrderPayload, writeVenuePayload,
} from "./orderMessages.ts";
import type { WorkerDone, WorkerInit } from "./workerProtocol.ts";
import { ChainFileWriter } from "../audit/auditFile.ts";
import { FuelTrace } from "../engine/fuelTrace.ts";
import { encodeIntoCompressedBase64 } from "hdr-histogram-js";
import { DeferredSamples, newHistogram } from "./telemetry.ts";
import { NS_PER_MS, monoNs, wallMs } from "./wallClock.ts";

const init = workerData as WorkerInit;
const BATCH = init.batch;
/**
 * Sealed audit blocks a recorded strategy's chain may pile up before the
 * worker writes them to its file, after a batch (off the per-event path):
 * 256 blocks of 64 entries, a few MB at most.
 */
const DRAIN_AUDIT_BLOCKS = 256;
const control = new Int32Array(init.control);
const wait = waitStrategy(init.wait);
const reader = new BroadcastReader(init.ring, init.reader, wait);
const out = new SpscProducer(init.orders, waitStrategy("spin"));
// f64 view of the order ring (order messages are 8-aligned) and of the feed's publish stamps.
const sentAt = new Float64Array(init.orders, 0, init.orders.byteLength >> 3);
const stamps = new Float64Array(init.stamps);
const stampMask = stamps.length - 1;
// Sampled on the hot path, recorded after each batch (DeferredSamples): one
// sample of each stage after every bump of the host's sampleTick (about one
// a millisecond in a paper run; never in a benchmark that reads no stages),
// and one of each from the first batch. The four go on four successive
// batches (SamplePhase), so that no event pays for more than one: when they
// all fell on one event, that event's tick-to-order was ~2 µs slower.
const feedToWorker = new DeferredSamples(newHistogram());
const callbackNs = new DeferredSamples(newHistogram());
const riskNs = new DeferredSamples(newHistogram());
const sampleTickWord = hostWord(HostField.sampleTick);
const heartbeatWord = workerWord(init.workerId, WorkerField.heartbeat);
const SamplePhase = { Idle: 0, Callback: 1, Risk: 2, Order: 3 } as const;
let seenTick = -1;
let samplePhase: number = SamplePhase.Idle;
let sampleCallback = false;
let sampleOrder = false;

/** Claims a message, waiting for the host to drain when the ring is full (backpressure, never loss). */
function claim(type: number, bytes: number): number {
  let at: number;
  let rounds = 0;
  while ((at = out.tryClaim(type, bytes)) === INSUFFICIENT_CAPACITY) {
    if (Atomics.load(control, workerWord(init.workerId, WorkerField.stop)) !== 0 && rounds++ > 1_000_000) {
      out.countDropped();
      return -1;
    }
  }
  return at;
}

function observerFor(strategy: number): RunnerObserver {
  return {
    order(eventIndex: number, o: OrderFields, result: number): void {
      const at = claim(OrderMsg.Order, ORDER_MSG_WORDS * 4);
      if (at < 0) return;
      writeOrderPayload(out.words, at >> 2, strategy, eventIndex, o, result);
      out.commit();
      // A sampled order is followed by its send time (order → host stage).
      if (sampleOrder) {
        sampleOrder = false;
        const s = claim(OrderMsg.Stamp, STAMP_MSG_WORDS * 4);
        if (s >= 0) {
          sentAt[(s >> 3) + (STAMP_SENT_AT_WORD >> 1)] = wallMs();
          out.commit();
        }
      }
    },
    cancel(eventIndex: number, orderId: number, result: number): void {
      const at = claim(OrderMsg.Cancel, CANCEL_MSG_WORDS * 4);
      if (at < 0) return;
      const w = out.words;
      const b = at >> 2;
      w[b] = strategy;
      w[b + 1] = lo32(eventIndex);
      w[b + 2] = hi32(eventIndex);
      w[b + 3] = orderId;
      w[b + 4] = result;
      out.commit();
    },
    venueEvent(eventIndex: number, words: Int32Array, at0: number): void {
      const at = claim(OrderMsg.Venue, VENUE_MSG_WORDS * 4);
      if (at < 0) return;
      writeVenuePayload(out.words, at >> 2, strategy, eventIndex, words, at0);
      out.commit();
    },
    progress(): void {
      Atomics.add(control, heartbeatWord, 1);
    },
    fault(f: Fault): void {
      Atomics.store(control, strategyWord(init.workers, strategy, StrategyField.faulted), 1);
      const texts = faultTexts(f);
      const at = claim(OrderMsg.Fault, faultPayloadBytes(texts));
      if (at < 0) return;
      writeFaultPayload(out.words, out.bytes, at, strategy, f, texts);
      out.commit();
    },
  };
}

function reportGap(lost: number): void {
  const at = claim(OrderMsg.Gap, GAP_MSG_WORDS * 4);
  if (at < 0) return;
  const w = out.words;
  const b = at >> 2;
  w[b] = init.workerId;
  w[b + 1] = lost;
  w[b + 2] = reader.lappedCount;
  w[b + 3] = lo32(reader.cursor);
  w[b + 4] = hi32(reader.cursor);
  out.commit();
}

/** A replacement's first message: where its fresh instances join the feed (the host audits the restart). */
function reportAttach(firstEvent: number): void {
  const at = claim(OrderMsg.Attach, ATTACH_MSG_WORDS * 4);
  if (at < 0) return;
  const w = out.words;
  const b = at >> 2;
  w[b] = init.workerId;
  w[b + 1] = init.instance;
  w[b + 2] = lo32(firstEvent);
  w[b + 3] = hi32(firstEvent);
  out.commit();
}

function main(): void {
  // Unless the session is recorded, only each chain's head is reported:
  // hold no sealed blocks, so a long live run's memory stays flat.
  const logs = init.strategies.map((s) => new AuditLog(`strategy:${s.codeId}`, AUDIT_BLOCK_ENTRIES, init.record === true));
  const runners = init.strategies.map((s, i) => new StrategyRunner(
    {
      label: s.label,
      prepared: { codeId: s.codeId, module: s.module, meteredBytes: new Uint8Array(0), notes: [] },
      params: new Map(s.params),
      risk: s.risk,
      sandbox: s.sandbox,
    },
    init.instruments, logs[i], null, s.index, () => {}, observerFor(s.index),
  ));
  const killState = new Int32Array(runners.length).fill(KillSwitchState.Active);
  const ranges: number[] = [];
  const kills: number[] = [];
  const fuelTraces = init.record ? runners.map((r) => (r.fuelTrace = new FuelTrace())) : null;
  // A recorded strategy's chain goes to its file as it grows, not to memory.
  const auditFiles = init.record
    ? logs.map((log, i) => new ChainFileWriter(join(init.captureDir, `s${init.strategies[i].index}.i${init.instance}.audit`), log))
    : null;
  const auditHeldMax = new Array<number>(logs.length).fill(0);
  for (const r of runners) r.riskNs = riskNs;
  const buf = new Int32Array(BATCH * EVENT_RECORD_WORDS);
  const inPlace = reader.policy === RingPolicy.Lossless;
  const hb = heartbeatWord;
  const stopWord = workerWord(init.workerId, WorkerField.stop);
  let started = false;
  let events = 0;
  let lastGap = 0;
  if (init.instance > 0) {
    // A replacement: the supervisor re-attached this reader at startAt. On a
    // live ring the feed kept going while this thread loaded, so join at the
    // tail instead of starting a lap behind (the events in between are the
    // restart's gap, which the host reports).
    reader.cursor = init.startAt;
    if (init.skipToTail) {
      const ahead = reader.available();
      if (ahead > 0) reader.cursor += ahead;
    }
    reader.commit();
    reportAttach(reader.cursor);
  }
  const startAt = reader.cursor;
  Atomics.store(control, workerWord(init.workerId, WorkerField.state), WorkerState.Running);
  // Heartbeat: once per batch handled, and while idle every spin round for
  // waits that park, every 1024th for busy-spin — a locked add on a line the
  // supervisor reads, on every idle round, slowed the spin that notices the
  // next event.
  const idleBeatMask = init.wait === "spin" ? 1023 : 0;
  let idleRounds = 0;
  for (;;) {
    // Lossless rings are read in place (the publisher cannot rewrite a slot
    // before release); live rings are copied out first and checked for a
    // lap. Either way the cursor is published after the batch is handled,
    // so its cross-core stores are not in front of the strategies.
    const n = inPlace ? reader.acquire(BATCH) : reader.takeBatch(buf, BATCH);
    if (reader.gapRecords !== lastGap) {
      reportGap(reader.gapRecords - lastGap);
      lastGap = reader.gapRecords;
    }
    if (n <= 0) {
      if (Atomics.load(control, stopWord) !== 0 && reader.available() <= 0) break;
      if (init.totalEvents >= 0 && reader.cursor >= init.totalEvents) break;
      if ((++idleRounds & idleBeatMask) === 0) Atomics.add(control, hb, 1);
      reader.idle();
      continue;
    }
    const first = reader.batchFirst;
    if (samplePhase !== SamplePhase.Idle) {
      if (samplePhase === SamplePhase.Callback) sampleCallback = true;
      else if (samplePhase === SamplePhase.Risk) for (let s = 0; s < runners.length; s++) runners[s].sampleNextRisk();
      else sampleOrder = true;
      samplePhase = samplePhase === SamplePhase.Order ? SamplePhase.Idle : samplePhase + 1;
    } else {
      const tick = Atomics.load(control, sampleTickWord);
      if (tick !== seenTick) {
        seenTick = tick;
        feedToWorker.recordValue(Math.max(1, Math.round((wallMs() - stamps[first & stampMask]) * NS_PER_MS)));
        samplePhase = SamplePhase.Callback;
      }
    }
    if (init.record) {
      const last = ranges.length - 2;
      if (last >= 0 && ranges[last] + ranges[last + 1] === first) ranges[last + 1] += n;
      else ranges.push(first, n);
    }
    // Kill switches set by the host apply from the next batch on.
    for (let s = 0; s < runners.length; s++) {
      const k = Atomics.load(control, strategyWord(init.workers, init.strategies[s].index, StrategyField.killSwitch));
      if (k !== killState[s]) {
        killState[s] = k;
        if (init.record) kills.push(first, init.strategies[s].index, k);
        runners[s].setKillSwitch(k as KillSwitchState);
      }
    }
    const words = inPlace ? reader.ringWords : buf;
    if (!started) {
      started = true;
      const at0 = inPlace ? reader.recordWord(0) : 0;
      for (const r of runners) r.start(words[at0 + EventWord.timeHi], words[at0 + EventWord.timeLo]);
    }
    for (let i = 0; i < n; i++) {
      const at = inPlace ? reader.recordWord(i) : i * EVENT_RECORD_WORDS;
      const kind = words[at + EventWord.kind];
      if (kind !== EventKind.Quote && kind !== EventKind.Trade) continue;
      if (sampleCallback) {
        sampleCallback = false;
        const t0 = monoNs();
        for (let s = 0; s < runners.length; s++) runners[s].onMarket(words, at, first + i);
        callbackNs.recordValue(Math.max(1, monoNs() - t0));
      } else {
        for (let s = 0; s < runners.length; s++) runners[s].onMarket(words, at, first + i);
      }
    }
    // The venues may still read quotes in place: they copy them before the
    // slots go back to the publisher (or buf is refilled).
    for (let s = 0; s < runners.length; s++) runners[s].keepEvents();
    if (inPlace) reader.release(n);
    else reader.commit();
    Atomics.add(control, hb, 1);
    events += n;
    Atomics.store(control, workerWord(init.workerId, WorkerField.eventsLo), lo32(events));
    Atomics.store(control, workerWord(init.workerId, WorkerField.eventsHi), hi32(events));
    feedToWorker.flush();
    callbackNs.flush();
    riskNs.flush();
    if (auditFiles !== null) {
      for (let s = 0; s < logs.length; s++) {
        const held = logs[s].heldBlocks;
        if (held > auditHeldMax[s]) auditHeldMax[s] = held;
        if (held >= DRAIN_AUDIT_BLOCKS) auditFiles[s].drain();
      }
    }
  }
  if (!started) for (const r of runners) r.start(0, 0);
  for (const r of runners) r.stop(reader.cursor);
  // No guest code runs past here: out of the watchdog's sight before the
  // final report is built, which for a recorded strategy that audited
  // millions of calls took longer than the watchdog and lost its capture.
  Atomics.store(control, workerWord(init.workerId, WorkerField.state), WorkerState.Stopped);
  const done: WorkerDone = {
    kind: "done",
    workerId: init.workerId,
    instance: init.instance,
    events,
    gapRecords: reader.gapRecords,
    lappedCount: reader.lappedCount,
    reports: runners.map((r, i) => ({ ...r.report(), index: init.strategies[i].index })),
    stages: {
      feedToWorker: encodeIntoCompressedBase64(feedToWorker.histogram),
      callback: encodeIntoCompressedBase64(callbackNs.histogram),
      risk: encodeIntoCompressedBase64(riskNs.histogram),
    },
    capture: init.record
      ? {
        instance: init.instance, startAt, ranges, kills, stopAt: reader.cursor,
        strategies: runners.map((_, i) => {
          auditHeldMax[i] = Math.max(auditHeldMax[i], logs[i].heldBlocks);
          auditFiles![i].finish();
          return { index: init.strategies[i].index, auditFile: auditFiles![i].path, fuel: fuelTraces![i].toArray(), auditBlocksHeldMax: auditHeldMax[i] };
        }),
      }
      : undefined,
  };
  parentPort!.postMessage(done);
}

try {
  main();
} catch (e) {
  Atomics.store(control, workerWord(init.workerId, WorkerField.state), WorkerState.Failed);
  parentPort!.postMessage({ kind: "failed", workerId: init.workerId, instance: init.instance, message: errorLine(e) });
}
