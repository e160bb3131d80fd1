/**
 * Backtest jobs: accepted durably (the job record is committed before the
 * 202), run on a piscina pool (serviceBacktest.worker.ts), their report and
 * HTML stored with the job's final state in one transaction.
 *
 * At most `threads` jobs run at once and at most `maxPending` wait; the
 * per-job deadline starts when a job is handed to a worker, not while it
 * waits. A job left queued or running by a crash is run again at start-up:
 * a backtest is deterministic, so the rerun gives the report the first run
 * would have given.
 */
import { Piscina } from "piscina";
import { ApiError } from "../apiError.ts";
import type { Principal } from "../auth/access.ts";
import { newJobId } from "../ids.ts";
import type { DatasetSpec, JobRecord } from "../store/records.ts";
import { tenantChain } from "../store/schema.ts";
import type { ServiceStore } from "../store/serviceStore.ts";
import type { RiskLimits } from "../../risk/riskLimits.ts";
import { errorLine } from "../../text/printable.ts";
import type { BacktestTask, BacktestTaskResult } from "./backtestTask.ts";

export interface JobRunnerOptions {
  readonly workerScript: string;
  /** Jobs running at once (pool threads). */
  readonly threads: number;
  /** Jobs accepted but not yet running; one more is refused with 503. */
  readonly maxPending: number;
  /** Wall time one job may run before its worker is terminated. */
  readonly timeoutMs: number;
  readonly seriesPoints: number;
  readonly nowMs: () => number;
}

export interface JobRequest {
  readonly codeIds: readonly string[];
  readonly dataset: DatasetSpec;
  readonly params: Readonly<Record<string, number>>;
  readonly risk: RiskLimits;
}

export class JobRunner {
  private readonly pool: Piscina;
  private readonly queue: string[] = [];
  private running = 0;
  /** Jobs past the capacity check whose commit is still awaited: they hold a place in the queue. */
  private accepting = 0;
  private closed = false;
  private readonly settled = new Set<Promise<void>>();

  constructor(private readonly store: ServiceStore, private readonly o: JobRunnerOptions) {
    this.pool = new Piscina({ filename: o.workerScript, minThreads: 0, maxThreads: o.threads, idleTimeout: 60_000 });
  }

  /** Jobs accepted and not finished (queued or running). */
  get backlog(): number {
    return this.queue.length + this.running;
  }

  /** Accepts a job; resolves once it is durably queued. The caller checked access to every code id. */
  async submit(p: Principal, req: JobRequest): Promise<JobRecord> {
    const waiting = this.queue.length + this.accepting;
    if (waiting >= this.o.maxPending) {
      throw new ApiError(503, "busy", `${waiting} backtests are already waiting; try again shortly`);
    }
    this.accepting++;
    try {
      return await this.accept(p, req);
    } finally {
      this.accepting--;
    }
  }

  private async accept(p: Principal, req: JobRequest): Promise<JobRecord> {
    const job: JobRecord = {
      id: newJobId(), tenant: p.tenant, createdBy: p.keyId, codeIds: [...req.codeIds], dataset: req.dataset,
      params: req.params, risk: req.risk, status: "queued", createdAtMs: this.o.nowMs(),
    };
    await this.store.commit(() => {
      this.store.jobs.putSync(job.id, job);
      this.store.appendAudit(tenantChain(job.tenant), "backtest_submitted", {
        job: job.id, key: p.keyId, codeIds: job.codeIds, dataset: job.dataset, params: job.params, risk: job.risk,
      });
    });
    this.enqueue(job.id);
    return job;
  }

  /** Runs again every job a previous process left queued or running. */
  resume(): number {
    let n = 0;
    for (const job of this.store.allJobs()) {
      if (job.status === "queued" || job.status === "running") {
        this.enqueue(job.id);
        n++;
      }
    }
    return n;
  }

  private enqueue(id: string): void {
    this.queue.push(id);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < this.o.threads && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.running++;
      const done = this.runOne(id).finally(() => {
        this.running--;
        this.settled.delete(done);
        this.pump();
      });
      this.settled.add(done);
    }
  }

  private async runOne(id: string): Promise<void> {
    const job = this.store.jobs.get(id);
    if (job === undefined) return;
    await this.store.commit(() => this.store.jobs.putSync(id, { ...job, status: "running" }));
    let result: BacktestTaskResult | null = null;
    let error: { code: string; message: string } | null = null;
    try {
      const modules = job.codeIds.map((codeId) => {
        const bytes = this.store.modules.get(codeId);
        const rec = this.store.strategy(job.tenant, codeId);
        if (bytes === undefined || rec === undefined) throw new ApiError(500, "missing_module", `module ${codeId} is missing from the store`);
        return { codeId, name: rec.name, bytes: new Uint8Array(bytes) };
      });
      const task: BacktestTask = {
        jobId: id, modules, dataset: job.dataset, params: Object.entries(job.params), risk: job.risk, seriesPoints: this.o.seriesPoints,
      };
      result = (await this.pool.run(task, { signal: AbortSignal.timeout(this.o.timeoutMs) })) as BacktestTaskResult;
    } catch (e) {
      if (this.closed) return; // shutting down: the job stays "running" and is rerun at the next start
      const err = e as Error & { name?: string; code?: string };
      error = err instanceof ApiError ? { code: err.code, message: err.message }
        : err?.name === "AbortError" || err?.name === "TimeoutError" ? { code: "timeout", message: `the backtest took longer than ${this.o.timeoutMs} ms and was stopped` }
          : { code: "backtest_failed", message: errorLine(e) };
    }
    const finishedAtMs = this.o.nowMs();
    await this.store.commit(() => {
      if (result !== null) {
        this.store.reports.putSync(id, { json: result.reportJson, html: result.html });
        this.store.jobs.putSync(id, {
          ...job, status: "done", finishedAtMs,
          summary: { events: result.events, auditHash: result.auditHash, strategies: result.strategies },
        });
      } else {
        this.store.jobs.putSync(id, { ...job, status: "failed", finishedAtMs, error: error! });
      }
      this.store.appendAudit(tenantChain(job.tenant), "backtest_finished", {
        job: id, status: result !== null ? "done" : "failed", auditHash: result?.auditHash ?? null, error: error?.code ?? null,
      });
    });
  }

  /** Waits for every job that has started to settle (tests). */
  async idle(): Promise<void> {
    while (this.settled.size > 0 || this.queue.length > 0) await Promise.race([...this.settled, new Promise((r) => setTimeout(r, 20))]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await this.pool.destroy();
    await Promise.allSettled([...this.settled]);
  }
}
