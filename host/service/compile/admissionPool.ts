/**
 * Admission for uploads and deployments on a small piscina pool
 * (serviceAdmit.worker.ts), so verifying and metering a module never blocks
 * the server's event loop. Bounded: a full queue is refused (busy), and a
 * task past its deadline has its worker terminated.
 */
import { Piscina } from "piscina";
import { errorLine } from "../../text/printable.ts";
import { ApiError } from "../apiError.ts";
import type { AdmitResult, AdmitTask } from "./admitTask.ts";

export interface AdmissionPoolOptions {
  readonly workerScript: string;
  readonly threads: number;
  readonly maxQueued: number;
  readonly timeoutMs: number;
}

export class AdmissionPool {
  private readonly pool: Piscina;

  private closed = false;

  constructor(private readonly o: AdmissionPoolOptions) {
    this.pool = new Piscina({ filename: o.workerScript, minThreads: 1, maxThreads: o.threads, maxQueue: o.maxQueued, idleTimeout: 60_000 });
  }

  async admit(task: AdmitTask): Promise<AdmitResult> {
    if (this.closed) throw shuttingDown();
    if (this.pool.queueSize >= this.o.maxQueued) throw new ApiError(503, "busy", "too many uploads waiting for admission; try again shortly");
    try {
      return (await this.pool.run(task, { signal: AbortSignal.timeout(this.o.timeoutMs) })) as AdmitResult;
    } catch (e) {
      const err = e as Error;
      if (this.closed) throw shuttingDown();
      if (err?.name === "AbortError" || err?.name === "TimeoutError") {
        throw new ApiError(422, "admission_timeout", `admission took longer than ${this.o.timeoutMs} ms and was stopped`);
      }
      throw new ApiError(500, "admission_failed", `admission failed: ${errorLine(e)}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.destroy();
  }
}

function shuttingDown(): ApiError {
  return new ApiError(503, "shutting_down", "the service is shutting down");
}
