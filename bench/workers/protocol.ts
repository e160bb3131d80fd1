/**
 * What `bench latency` hands its own bench workers at start (workerData).
 * Events and orders then travel through rings, shared words or ports —
 * never through these objects.
 */
import type { MessagePort } from "node:worker_threads";
import type { MessageWorkerInit } from "./messageRunner.ts";

/** ringEcho.worker.ts */
export interface RingEchoInit {
  readonly ring: SharedArrayBuffer;
  readonly orders: SharedArrayBuffer;
  /** Int32 word 0 is the command word (workerCommand.ts). */
  readonly control: SharedArrayBuffer;
}

/** pingPostMessage.worker.ts */
export interface PostMessageWorkerData {
  readonly init: MessageWorkerInit;
  readonly port: MessagePort;
  /** "event": a 'message' listener; "poll": busy-polls the port while told to run. */
  readonly mode: "event" | "poll";
  /** Int32 word 0 is the command word (poll mode only). */
  readonly control: SharedArrayBuffer;
}

/** ringDrain.worker.ts */
export interface RingDrainInit {
  readonly ring: SharedArrayBuffer;
  /** DrainWord words, one per 64-byte line. */
  readonly state: SharedArrayBuffer;
  /** Records to consume before reporting. */
  readonly total: number;
  /** Most records taken per poll. */
  readonly batch: number;
}

/** Word indices in RingDrainInit.state, each on its own cache line. */
export const DrainWord = { ready: 0, done: 16, consumed: 32, lapped: 48 } as const;
export const DRAIN_STATE_BYTES = 64 * 4;
