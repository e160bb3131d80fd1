/**
 * The audit trail: one hash chain at a time, checked end to end on every
 * read, with a page of its entries.
 *
 *   GET /v1/audit                        a quant's tenant chain; risk/admin: the service chain
 *   GET /v1/audit?deployment=ID          that deployment's chain
 *   GET /v1/audit?tenant=T               risk/admin: T's chain (a quant: its own only)
 *   GET /v1/audit?chain=service          risk/admin
 *   &from=N&limit=N                      the page of entries (default the last `limit`)
 *   &format=file                         the chain as an audit file for `ringfence audit verify`
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { DecodedAuditEntry } from "../../audit/auditEncoding.ts";
import { badRequest, forbidden, notFound } from "../apiError.ts";
import { canRead, type Principal } from "../auth/access.ts";
import { DEPLOYMENT_ID_PATTERN, deploymentChain, SERVICE_CHAIN, TENANT_PATTERN, tenantChain } from "../store/schema.ts";
import { principal, queryValue, type ServiceContext } from "./context.ts";

export function registerAuditRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get("/v1/audit", async (req, reply) => {
    const p = principal(req);
    const chain = chosenChain(req, p, ctx);
    const { count } = ctx.store.audit.head(chain);
    const limit = intQuery(req, "limit", 200, 1, ctx.config.maxAuditPage);
    const from = intQuery(req, "from", Math.max(0, count - limit), 0, Number.MAX_SAFE_INTEGER);
    if (queryValue(req, "format") === "file") {
      return reply.type("application/octet-stream").header("content-disposition", "attachment; filename=\"audit.rfa\"").send(Buffer.from(ctx.store.audit.exportFile(chain)));
    }
    const v = ctx.store.audit.view(chain, from, limit);
    return {
      chain,
      count: v.count,
      head: v.headHex,
      verification: { ok: v.verification.ok, firstBroken: v.verification.firstBroken ?? null },
      from,
      entries: v.entries.map(entryView),
    };
  });
}

function entryView(e: DecodedAuditEntry): Record<string, unknown> {
  return {
    seq: e.seq, call: e.call, eventIndex: e.eventIndex, timeNs: e.timeNs, args: e.args, result: e.result,
    strategy: e.strategy ?? null, detail: e.detail ?? null,
  };
}

function chosenChain(req: FastifyRequest, p: Principal, ctx: ServiceContext): string {
  const deployment = queryValue(req, "deployment");
  const tenant = queryValue(req, "tenant");
  const chain = queryValue(req, "chain");
  if ([deployment, tenant, chain].filter((v) => v !== undefined).length > 1) throw badRequest("give at most one of deployment, tenant, chain");
  if (deployment !== undefined) {
    const d = DEPLOYMENT_ID_PATTERN.test(deployment) ? ctx.store.deployments.get(deployment) : undefined;
    if (d === undefined || !canRead(p, d.tenant)) throw notFound(`deployment ${deployment.slice(0, 40)}`);
    return deploymentChain(d.id);
  }
  if (tenant !== undefined) {
    if (!TENANT_PATTERN.test(tenant)) throw badRequest("tenant must be 1..32 of a-z, 0-9, '_', '-'");
    if (!canRead(p, tenant)) throw notFound(`tenant ${tenant}`);
    return tenantChain(tenant);
  }
  if (chain !== undefined) {
    if (chain !== SERVICE_CHAIN) throw badRequest(`chain must be "${SERVICE_CHAIN}" (or use deployment= / tenant=)`);
    if (p.role === "quant") throw forbidden("the service chain is for risk and admin keys");
    return SERVICE_CHAIN;
  }
  return p.role === "quant" ? tenantChain(p.tenant) : SERVICE_CHAIN;
}

function intQuery(req: FastifyRequest, name: string, fallback: number, min: number, max: number): number {
  const v = queryValue(req, name);
  if (v === undefined) return fallback;
  if (!/^\d{1,15}$/.test(v) || Number(v) < min || Number(v) > max) throw badRequest(`${name} must be an integer in ${min}..${max}`);
  return Number(v);
}
