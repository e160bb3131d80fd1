/**
 * The strategy side of the message-passing mechanisms of `bench latency`
 * (postMessage, piscina): the same StrategyRunner, metered strategy, call
 * table, risk gate, venue and audit chain as host/live/strategyWorker.worker.ts,
 * with its orders and venue events encoded in the same payload layout
 * (host/live/orderMessages.ts) but handed to a sink instead of an SPSC ring.
 *
 * Message = Int32Array [type, ...payload]. The sink must copy or send it
 * before returning: the array is reused for the next message.
 */
import { EventWord } from "../../host/abi/eventRecord.ts";
import { AuditLog } from "../../host/audit/auditLog.ts";
import { StrategyRunner, type RunnerObserver } from "../../host/engine/strategyRunner.ts";
import type { InstrumentSpec } from "../../host/feed/instrument.ts";
import { ORDER_MSG_WORDS, OrderMsg, VENUE_MSG_WORDS, writeOrderPayload, writeVenuePayload } from "../../host/live/orderMessages.ts";
import type { WorkerStrategy } from "../../host/live/workerProtocol.ts";
import type { OrderFields } from "../../host/venue/orderFields.ts";

export interface MessageWorkerInit {
  readonly strategy: WorkerStrategy;
  readonly instruments: readonly InstrumentSpec[];
}

/** Word 0 of every message; the payload follows at word 1. */
export const MSG_TYPE_WORD = 0;
export const MSG_PAYLOAD_WORD = 1;

export type MessageSink = (message: Int32Array) => void;

export interface MessageRunner {
  /** Delivers one Quote/Trade at words[at..at+16) as event number eventIndex. */
  onEvent(words: Int32Array, at: number, eventIndex: number): void;
}

/** Allocates the runner and its message buffers (set-up time only). */
export function createMessageRunner(init: MessageWorkerInit, sink: MessageSink): MessageRunner {
  const s = init.strategy;
  const orderMsg = new Int32Array(MSG_PAYLOAD_WORD + ORDER_MSG_WORDS);
  const venueMsg = new Int32Array(MSG_PAYLOAD_WORD + VENUE_MSG_WORDS);
  const faultMsg = new Int32Array(MSG_PAYLOAD_WORD + 1);
  orderMsg[MSG_TYPE_WORD] = OrderMsg.Order;
  venueMsg[MSG_TYPE_WORD] = OrderMsg.Venue;
  faultMsg[MSG_TYPE_WORD] = OrderMsg.Fault;
  const observer: RunnerObserver = {
    order(eventIndex: number, o: OrderFields, result: number): void {
      writeOrderPayload(orderMsg, MSG_PAYLOAD_WORD, s.index, eventIndex, o, result);
      sink(orderMsg);
    },
    cancel(): void {},
    venueEvent(eventIndex: number, words: Int32Array, at: number): void {
      writeVenuePayload(venueMsg, MSG_PAYLOAD_WORD, s.index, eventIndex, words, at);
      sink(venueMsg);
    },
    fault(): void {
      faultMsg[MSG_PAYLOAD_WORD] = s.index;
      sink(faultMsg);
    },
  };
  const runner = new StrategyRunner(
    { label: s.label, prepared: { codeId: s.codeId, module: s.module, meteredBytes: new Uint8Array(0), notes: [] }, params: new Map(s.params), risk: s.risk, sandbox: s.sandbox },
    init.instruments, new AuditLog(`strategy:${s.codeId}`), null, s.index, () => {}, observer,
  );
  let started = false;
  return {
    onEvent(words: Int32Array, at: number, eventIndex: number): void {
      if (!started) {
        started = true;
        runner.start(words[at + EventWord.timeHi], words[at + EventWord.timeLo]);
      }
      runner.onMarket(words, at, eventIndex);
    },
  };
}
