/**
 * The service store's layout: the only place it is written down. One LMDB
 * environment (a directory: data.mdb + lock.mdb) holds named databases;
 * values are msgpack unless noted. Every write the service acknowledges is
 * one LMDB transaction, committed and flushed to disk before the reply
 * (ServiceStore.commit), so a kill -9 at any moment loses nothing that was
 * acknowledged and never leaves half of a write behind.
 *
 *   database      key                           value
 *   ───────────── ───────────────────────────── ──────────────────────────────────────────────
 *   modules       codeId (64 lowercase hex)     the module's original bytes (binary encoding):
 *                                               content-addressed, shared by every tenant that
 *                                               uploaded the same bytes
 *   strategies    "<tenant>/<codeId>"           StrategyRecord (one per tenant and module)
 *   jobs          jobId                         JobRecord (a backtest; the report lives apart)
 *   reports       jobId                         ReportRecord { json, html }
 *   deployments   deploymentId                  DeploymentRecord
 *   keys          keyId                         KeyRecord: sha256 of the secret, never the secret
 *   switches      "global" | "tenant:<tenant>"  KillSwitchRecord (engaged kill switches)
 *   auditHeads    chain label                   { count, head: 32 bytes }
 *   audit         [chain label, seq]            { entry: bytes (host/audit/auditEncoding.ts),
 *                                                 hash: 32 bytes }
 *
 * Audit chains use host/audit's entry encoding and its format-1 hash scheme
 * (genesis from the label, hash_i = sha256(hash_{i-1} || entry_i): one
 * hash per entry, as each append is its own transaction), so a chain
 * exported as an audit file is checked by `ringfence audit verify`. Chain labels: "service"
 * (keys, global kill switch), "tenant:<tenant>" (uploads, backtests,
 * deployments, tenant kill switch), "deployment:<id>" (one deployment's
 * orders, cancels, faults and kill switches, as the supervisor saw them).
 *
 * "/" never occurs in a tenant name (TENANT_PATTERN), so a prefix range over
 * "<tenant>/" lists exactly one tenant's strategies.
 */
export const DB = {
  modules: "modules",
  strategies: "strategies",
  jobs: "jobs",
  reports: "reports",
  deployments: "deployments",
  keys: "keys",
  switches: "switches",
  auditHeads: "auditHeads",
  audit: "audit",
} as const;

/** Named databases the environment must be able to hold (with headroom for later ones). */
export const MAX_DATABASES = 16;

/** Tenant names: lowercase letters, digits, '_' and '-', 1..32, starting with a letter or digit. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** A module's code id: SHA-256 of its original bytes, lowercase hex. */
export const CODE_ID_PATTERN = /^[0-9a-f]{64}$/;
/** Job, deployment and key ids: a kind prefix and 16 lowercase hex digits (8 random bytes). */
export const JOB_ID_PATTERN = /^bt_[0-9a-f]{16}$/;
export const DEPLOYMENT_ID_PATTERN = /^dp_[0-9a-f]{16}$/;
export const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

export function strategyKey(tenant: string, codeId: string): string {
  return `${tenant}/${codeId}`;
}

/** The [start, end) key range of one tenant's strategies ('0' is the character after '/'). */
export function tenantStrategyRange(tenant: string): { start: string; end: string } {
  return { start: `${tenant}/`, end: `${tenant}0` };
}

export const SERVICE_CHAIN = "service";
export function tenantChain(tenant: string): string {
  return `tenant:${tenant}`;
}
export function deploymentChain(id: string): string {
  return `deployment:${id}`;
}

export const GLOBAL_SWITCH = "global";
export function tenantSwitch(tenant: string): string {
  return `tenant:${tenant}`;
}

/** Strategy names, as the compiler accepts them (host/compiler/compileStrategy.ts checks again). */
export const STRATEGY_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
