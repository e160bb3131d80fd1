/**
 * Deployments and kill switches. Starting, halting and the kill switches are
 * each committed (record + audit entries, one transaction) before the
 * caller is answered. Kill switches are engaged durably: while the global
 * switch or a tenant's is engaged, no new deployment of that scope starts,
 * across restarts, until risk releases it.
 *
 * Restart policy: none. A deployment found "running" at start-up was cut
 * off by a crash; it is marked "interrupted" (audited), not restarted — a
 * restarted strategy would start from a different state (docs/datapath.md).
 */
import { ApiError, notFound } from "../apiError.ts";
import type { Principal } from "../auth/access.ts";
import type { AdmissionPool } from "../compile/admissionPool.ts";
import { newDeploymentId } from "../ids.ts";
import type { DeploymentFinal, DeploymentRecord, DeploymentStatus, FeedSpec } from "../store/records.ts";
import { deploymentChain, GLOBAL_SWITCH, tenantChain, tenantSwitch, SERVICE_CHAIN } from "../store/schema.ts";
import type { ServiceStore } from "../store/serviceStore.ts";
import { sandboxLimits } from "../../sandbox/limits.ts";
import type { RiskLimits } from "../../risk/riskLimits.ts";
import { LiveDeployment, type LiveSnapshot } from "./liveDeployment.ts";

export interface DeploymentManagerOptions {
  readonly workerScript: string;
  /** Deployments running at once on this server (each has a worker thread). */
  readonly maxRunning: number;
  readonly nowMs: () => number;
}

export interface DeployRequest {
  readonly codeId: string;
  readonly limits: RiskLimits;
  readonly params: Readonly<Record<string, number>>;
  readonly feed: FeedSpec;
}

export type KillScope = { readonly tenant: string } | { readonly global: true };

export class DeploymentManager {
  private readonly live = new Map<string, LiveDeployment>();
  private readonly ending = new Map<string, Promise<DeploymentRecord>>();
  /** Deploys past the capacity check and not yet in `live` (admission and the store write are awaited): they hold a slot. */
  private readonly starting = new Set<Promise<DeploymentRecord>>();
  private closed = false;

  constructor(private readonly store: ServiceStore, private readonly admission: AdmissionPool, private readonly o: DeploymentManagerOptions) {}

  /** At start-up: every deployment a previous process left running is marked interrupted. */
  async markInterrupted(): Promise<number> {
    const cut = this.store.allDeployments().filter((d) => d.status === "running");
    if (cut.length === 0) return 0;
    const now = this.o.nowMs();
    await this.store.commit(() => {
      for (const d of cut) {
        this.store.deployments.putSync(d.id, { ...d, status: "interrupted", endedAtMs: now, endedBy: "restart" });
        this.store.appendAudit(deploymentChain(d.id), "interrupted", { deployment: d.id, reason: "the server stopped while it ran" });
        this.store.appendAudit(tenantChain(d.tenant), "deployment_interrupted", { deployment: d.id });
      }
    });
    return cut.length;
  }

  get runningCount(): number {
    return this.live.size;
  }

  engagedSwitch(tenant: string): string | null {
    if (this.store.switches.get(GLOBAL_SWITCH) !== undefined) return "the global kill switch";
    if (this.store.switches.get(tenantSwitch(tenant)) !== undefined) return `tenant ${tenant}'s kill switch`;
    return null;
  }

  async deploy(p: Principal, req: DeployRequest): Promise<DeploymentRecord> {
    const engaged = this.engagedSwitch(p.tenant);
    if (engaged !== null) throw new ApiError(409, "kill_switch_engaged", `${engaged} is engaged: no new deployments until risk releases it`);
    if (this.closed) throw new ApiError(503, "shutting_down", "the service is shutting down");
    const taken = this.live.size + this.starting.size;
    if (taken >= this.o.maxRunning) throw new ApiError(503, "busy", `${taken} deployments are running or starting, the most this server runs at once`);
    const started = this.start(p, req);
    this.starting.add(started);
    try {
      return await started;
    } finally {
      this.starting.delete(started);
    }
  }

  private async start(p: Principal, req: DeployRequest): Promise<DeploymentRecord> {
    const strategy = this.store.strategy(p.tenant, req.codeId);
    const bytes = this.store.modules.get(req.codeId);
    if (strategy === undefined || bytes === undefined) throw notFound(`strategy ${req.codeId}`);
    const admitted = await this.admission.admit({ bytes: new Uint8Array(bytes), label: strategy.name, wantModule: true });
    if (!admitted.admitted || admitted.module === undefined) {
      throw new ApiError(422, "admission_rejected", `strategy ${req.codeId} no longer passes admission`, { reasons: admitted.reasons });
    }
    const record: DeploymentRecord = {
      id: newDeploymentId(), tenant: p.tenant, codeId: req.codeId, name: strategy.name, createdBy: p.keyId,
      params: req.params, limits: req.limits, feed: req.feed, status: "running", createdAtMs: this.o.nowMs(),
    };
    await this.store.commit(() => {
      this.store.deployments.putSync(record.id, record);
      const detail = { deployment: record.id, key: p.keyId, codeId: record.codeId, limits: record.limits, params: record.params, feed: record.feed };
      this.store.appendAudit(deploymentChain(record.id), "deploy", detail);
      this.store.appendAudit(tenantChain(p.tenant), "deployed", detail);
    });
    // Re-check after the await: a kill switch thrown meanwhile must not miss this deployment.
    const engagedNow = this.engagedSwitch(p.tenant);
    const sandbox = sandboxLimits();
    const dep = new LiveDeployment({
      spec: {
        label: strategy.name,
        prepared: { codeId: req.codeId, module: admitted.module, meteredBytes: new Uint8Array(0), notes: admitted.notes },
        params: new Map(Object.entries(req.params)), risk: req.limits, sandbox,
      },
      feed: req.feed,
      workerScript: this.o.workerScript,
      nowMs: this.o.nowMs,
      audit: (entries) => this.store.commit(() => {
        for (const { strategy: s, ...e } of entries) this.store.audit.appendInTransaction(deploymentChain(record.id), e, s);
      }),
      onFailure: () => void this.end(record.id, "failed", "fault").catch(() => undefined),
    });
    this.live.set(record.id, dep);
    if (engagedNow !== null) return this.end(record.id, "halted", "kill");
    return record;
  }

  /** Halts one deployment (kill switch, working orders cancelled); resolves with its final record. */
  async halt(id: string, by: string): Promise<DeploymentRecord> {
    const rec = this.store.deployments.get(id);
    if (rec === undefined) throw notFound(`deployment ${id}`);
    if (!this.live.has(id)) return this.ending.get(id) ?? rec;
    return this.end(id, "halted", by);
  }

  /** Engages a kill switch and halts every running deployment in its scope. */
  async kill(scope: KillScope, by: Principal): Promise<string[]> {
    const key = "global" in scope ? GLOBAL_SWITCH : tenantSwitch(scope.tenant);
    await this.store.commit(() => {
      this.store.switches.putSync(key, { scope: key, engagedBy: by.keyId, engagedAtMs: this.o.nowMs() });
      this.store.appendAudit("global" in scope ? SERVICE_CHAIN : tenantChain(scope.tenant), "kill_switch_engaged", { scope: key, key: by.keyId });
    });
    const ids = [...this.live.keys()].filter((id) => "global" in scope || this.store.deployments.get(id)?.tenant === scope.tenant).sort();
    const endedBy = "global" in scope ? "kill:global" : "kill:tenant";
    await Promise.all(ids.map((id) => this.end(id, "halted", endedBy)));
    return ids;
  }

  /** Releases a kill switch; new deployments in its scope may start again. */
  async release(scope: KillScope, by: Principal): Promise<boolean> {
    const key = "global" in scope ? GLOBAL_SWITCH : tenantSwitch(scope.tenant);
    if (this.store.switches.get(key) === undefined) return false;
    await this.store.commit(() => {
      this.store.switches.removeSync(key);
      this.store.appendAudit("global" in scope ? SERVICE_CHAIN : tenantChain(scope.tenant), "kill_switch_released", { scope: key, key: by.keyId });
    });
    return true;
  }

  switches(): { scope: string; engagedBy: string; engagedAtMs: number }[] {
    return [...this.store.switches.getRange({})].map((e) => e.value);
  }

  snapshot(id: string): LiveSnapshot | null {
    return this.live.get(id)?.snapshot() ?? null;
  }

  /** Halts everything (graceful shutdown). */
  /** Refuses new deploys, lets those in flight land (or fail), then halts every deployment. */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.starting]);
    await Promise.all([...this.live.keys()].map((id) => this.end(id, "halted", "shutdown")));
  }

  private end(id: string, status: DeploymentStatus, by: string): Promise<DeploymentRecord> {
    const already = this.ending.get(id);
    if (already !== undefined) return already;
    const dep = this.live.get(id)!;
    const done = (async () => {
      const final: DeploymentFinal = await dep.halt();
      const rec = this.store.deployments.get(id)!;
      const ended: DeploymentRecord = {
        ...rec, status, endedAtMs: this.o.nowMs(), endedBy: by, final,
      };
      await this.store.commit(() => {
        this.store.deployments.putSync(id, ended);
        this.store.appendAudit(deploymentChain(id), ended.status === "failed" ? "failed" : "halted", { deployment: id, by, final });
        this.store.appendAudit(tenantChain(rec.tenant), `deployment_${ended.status}`, { deployment: id, by, strategyAuditHash: final.strategyAuditHash });
      });
      this.live.delete(id);
      this.ending.delete(id);
      return ended;
    })();
    this.ending.set(id, done);
    return done;
  }
}
