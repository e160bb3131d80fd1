/**
 * The service's embedded, transactional store: one LMDB environment (the
 * `lmdb` package) holding the registry, jobs, deployments, API keys and the
 * audit chains (layout in schema.ts, records in records.ts).
 *
 * Durability contract: `commit(fn)` runs `fn` in one write transaction and
 * resolves only after that transaction is committed AND flushed to disk
 * (`flushed`). A route replies after commit resolves, so anything the
 * service acknowledged survives kill -9 (and a power cut, as far as the
 * disk's fsync is honest); a crash before the flush leaves the previous
 * state whole, never half a write.
 *
 * Reads are synchronous against LMDB's latest committed snapshot; several
 * processes (the server and `ringfence keys`) may open the same directory.
 */
import { mkdirSync, statSync } from "node:fs";
import { open, type Database, type RootDatabase } from "lmdb";
import { AuditChainStore, type AuditKey, type ChainEntry, type ChainHead } from "./auditChainStore.ts";
import type { DeploymentRecord, JobRecord, KeyRecord, KillSwitchRecord, ReportRecord, StrategyRecord } from "./records.ts";
import { DB, MAX_DATABASES, strategyKey, tenantStrategyRange } from "./schema.ts";
import { dataFileProblem } from "./dataFileCheck.ts";
import type { AuditEntry } from "../../audit/auditEncoding.ts";
import { errorLine } from "../../text/printable.ts";

export class ServiceStore {
  readonly modules: Database<Uint8Array, string>;
  readonly strategies: Database<StrategyRecord, string>;
  readonly jobs: Database<JobRecord, string>;
  readonly reports: Database<ReportRecord, string>;
  readonly deployments: Database<DeploymentRecord, string>;
  readonly keys: Database<KeyRecord, string>;
  readonly switches: Database<KillSwitchRecord, string>;
  readonly audit: AuditChainStore;
  private closed = false;

  private constructor(private readonly root: RootDatabase, readonly dir: string) {
    this.modules = root.openDB<Uint8Array, string>(DB.modules, { encoding: "binary" });
    this.strategies = root.openDB<StrategyRecord, string>(DB.strategies, {});
    this.jobs = root.openDB<JobRecord, string>(DB.jobs, {});
    this.reports = root.openDB<ReportRecord, string>(DB.reports, {});
    this.deployments = root.openDB<DeploymentRecord, string>(DB.deployments, {});
    this.keys = root.openDB<KeyRecord, string>(DB.keys, {});
    this.switches = root.openDB<KillSwitchRecord, string>(DB.switches, {});
    this.audit = new AuditChainStore(
      root.openDB<ChainHead, string>(DB.auditHeads, {}),
      root.openDB<ChainEntry, AuditKey>(DB.audit, {}),
    );
  }

  /**
   * Opens (creating when absent) the store in `dir`. Throws a one-line Error
   * when it cannot, and when its data.mdb is damaged: the native library
   * would crash the process on a bad meta page instead of failing.
   */
  static open(dir: string): ServiceStore {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st !== undefined && !st.isDirectory()) throw new Error(`the service store '${dir}' is not a directory (--data names the directory the service keeps its store in)`);
    const damage = damagedDataFile(dir);
    if (damage) throw new Error(`the service store '${dir}' is damaged: data.mdb ${damage} (restore it from a backup)`);
    try {
      mkdirSync(dir, { recursive: true });
      // No read cache: every read sees the latest commit of any process.
      const root = open({ path: dir, maxDbs: MAX_DATABASES, compression: false, cache: false });
      return new ServiceStore(root, dir);
    } catch (e) {
      throw new Error(`cannot open the service store in '${dir}': ${errorLine(e)}`);
    }
  }

  /**
   * Runs `fn` in one write transaction; resolves with its result once the
   * transaction is committed and flushed to disk. `fn` must be synchronous
   * and must not await: every put inside it belongs to this transaction.
   */
  async commit<T>(fn: () => T): Promise<T> {
    const result = await this.root.transaction(fn);
    await this.root.flushed;
    return result;
  }

  /** The same as commit, blocking (for short-lived CLI commands). */
  commitSync<T>(fn: () => T): T {
    return this.root.transactionSync(fn);
  }

  /** Appends to an audit chain; only inside commit/commitSync. */
  appendAudit(chain: string, call: string, detail: Readonly<Record<string, unknown>>, result = 0): number {
    const e: AuditEntry = { eventIndex: -1, timeNs: 0, call, args: [], result, detail: canonicalJson(detail) };
    return this.audit.appendInTransaction(chain, e);
  }

  strategy(tenant: string, codeId: string): StrategyRecord | undefined {
    return this.strategies.get(strategyKey(tenant, codeId));
  }

  tenantStrategies(tenant: string): StrategyRecord[] {
    return [...this.strategies.getRange(tenantStrategyRange(tenant))].map((e) => e.value);
  }

  allStrategies(): StrategyRecord[] {
    return [...this.strategies.getRange({})].map((e) => e.value);
  }

  allJobs(): JobRecord[] {
    return [...this.jobs.getRange({})].map((e) => e.value);
  }

  allDeployments(): DeploymentRecord[] {
    return [...this.deployments.getRange({})].map((e) => e.value);
  }

  allKeys(): KeyRecord[] {
    return [...this.keys.getRange({})].map((e) => e.value);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.root.flushed;
    await this.root.close();
  }
}

/**
 * dataFileProblem, asked again for a moment before it counts: a process
 * creating the store right now (under LMDB's lock, which this check does
 * not take) briefly leaves an empty or half-written data.mdb.
 */
function damagedDataFile(dir: string): string | null {
  let problem = dataFileProblem(dir);
  for (let i = 0; problem !== null && i < 4; i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    problem = dataFileProblem(dir);
  }
  return problem;
}

/**
 * JSON with object keys sorted at every level: the same detail always
 * encodes to the same bytes, so an audit entry's hash depends on its
 * content alone, not on the order a route happened to build the object in.
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
