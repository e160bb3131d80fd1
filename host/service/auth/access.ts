/**
 * Who may do what. One function per question, so every route asks the same
 * way:
 *   quant  sees and acts on its own tenant's resources only;
 *   risk   reads every tenant's resources, halts deployments, throws kill switches;
 *   admin  manages API keys (and reads like risk, to see what the keys can reach).
 * A resource of another tenant is reported as not found, never as
 * forbidden, so a quant cannot learn what other tenants have.
 */
import type { KeyRecord } from "../store/records.ts";

export interface Principal {
  readonly keyId: string;
  readonly tenant: string;
  readonly role: KeyRecord["role"];
}

export function principalOf(k: KeyRecord): Principal {
  return { keyId: k.keyId, tenant: k.tenant, role: k.role };
}

/** May `p` see a resource owned by `tenant`? */
export function canRead(p: Principal, tenant: string): boolean {
  return p.role !== "quant" || p.tenant === tenant;
}

/** May `p` create or change resources of its tenant (upload, backtest, deploy)? */
export function canWrite(p: Principal): boolean {
  return p.role === "quant";
}

/** May `p` halt a deployment owned by `tenant`? Its own quant, or risk. */
export function canHalt(p: Principal, tenant: string): boolean {
  return p.role === "risk" || (p.role === "quant" && p.tenant === tenant);
}

/** Kill switches over a whole tenant or everything: risk only. */
export function canKill(p: Principal): boolean {
  return p.role === "risk";
}

export function canManageKeys(p: Principal): boolean {
  return p.role === "admin";
}
