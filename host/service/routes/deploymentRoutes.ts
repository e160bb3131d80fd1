/**
 * Paper-trading deployments and kill switches.
 *
 *   POST /v1/deployments {"codeId", "limits": {…risk limits}, "params": {…}, "feed": {"seed","ratePerSec"}} → 201
 *   GET  /v1/deployments[?tenant=T]         each with its live telemetry while running
 *   GET  /v1/deployments/:id
 *   POST /v1/deployments/:id/halt            kill switch → working orders cancelled → stopped; 200 with the final record
 *   POST /v1/kill {"tenant": T} | {"global": true}           risk: engage, halting every running deployment in scope
 *   POST /v1/kill/release {"tenant": T} | {"global": true}   risk: new deployments may start again
 *   GET  /v1/kill                            engaged switches (risk, admin)
 */
import type { FastifyInstance } from "fastify";
import { badRequest, forbidden, notFound } from "../apiError.ts";
import { canHalt, canKill, canRead, canWrite } from "../auth/access.ts";
import type { KillScope } from "../deployments/deploymentManager.ts";
import { parseFeed } from "../deployments/feeds.ts";
import { jsonObject, onlyFields, paramsField, riskField, type Json } from "../requestFields.ts";
import type { DeploymentRecord } from "../store/records.ts";
import { CODE_ID_PATTERN, DEPLOYMENT_ID_PATTERN, TENANT_PATTERN } from "../store/schema.ts";
import { idParam, principal, takeCostly, type ServiceContext } from "./context.ts";
import { tenantFilter } from "./strategyRoutes.ts";

export function registerDeploymentRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const view = (d: DeploymentRecord): Record<string, unknown> => ({
    id: d.id, tenant: d.tenant, codeId: d.codeId, name: d.name, status: d.status, params: d.params, limits: d.limits, feed: d.feed,
    createdBy: d.createdBy, createdAtMs: d.createdAtMs, endedAtMs: d.endedAtMs ?? null, endedBy: d.endedBy ?? null, final: d.final ?? null,
    live: ctx.deployments.snapshot(d.id),
  });

  app.post("/v1/deployments", async (req, reply) => {
    const p = principal(req);
    if (!canWrite(p)) throw forbidden(`a ${p.role} key cannot deploy strategies; use a quant key of the tenant`);
    const o = jsonObject(req.body, "the request body");
    onlyFields(o, ["codeId", "limits", "params", "feed"], "the request body");
    if (typeof o.codeId !== "string" || !CODE_ID_PATTERN.test(o.codeId)) throw badRequest('"codeId" must be a code id (64 lowercase hex digits)');
    if (ctx.store.strategy(p.tenant, o.codeId) === undefined) throw notFound(`strategy ${o.codeId}`);
    const limits = riskField(o.limits, "limits");
    const params = paramsField(o.params, "params");
    const feed = parseFeed(o.feed);
    takeCostly(ctx, p);
    const d = await ctx.deployments.deploy(p, { codeId: o.codeId, limits, params, feed });
    return reply.code(201).send(view(d));
  });

  app.get("/v1/deployments", async (req) => {
    const p = principal(req);
    const tenant = tenantFilter(req, p);
    const list = ctx.store.allDeployments().filter((d) => tenant === null || d.tenant === tenant);
    list.sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? -1 : 1));
    return { deployments: list.map(view) };
  });

  app.get("/v1/deployments/:id", async (req) => {
    const p = principal(req);
    const id = idParam(req, "id", DEPLOYMENT_ID_PATTERN, "deployment");
    const d = ctx.store.deployments.get(id);
    if (d === undefined || !canRead(p, d.tenant)) throw notFound(`deployment ${id}`);
    return view(d);
  });

  app.post("/v1/deployments/:id/halt", async (req) => {
    const p = principal(req);
    const id = idParam(req, "id", DEPLOYMENT_ID_PATTERN, "deployment");
    const d = ctx.store.deployments.get(id);
    if (d === undefined || !canRead(p, d.tenant)) throw notFound(`deployment ${id}`);
    if (!canHalt(p, d.tenant)) throw forbidden(`a ${p.role} key cannot halt deployments`);
    return view(await ctx.deployments.halt(id, p.keyId));
  });

  app.post("/v1/kill", async (req) => {
    const p = principal(req);
    if (!canKill(p)) throw forbidden("only a risk key can throw a kill switch");
    const scope = killScope(req.body);
    const halted = await ctx.deployments.kill(scope, p);
    return { engaged: "global" in scope ? "global" : `tenant:${scope.tenant}`, halted };
  });

  app.post("/v1/kill/release", async (req) => {
    const p = principal(req);
    if (!canKill(p)) throw forbidden("only a risk key can release a kill switch");
    const scope = killScope(req.body);
    const released = await ctx.deployments.release(scope, p);
    return { released, scope: "global" in scope ? "global" : `tenant:${scope.tenant}` };
  });

  app.get("/v1/kill", async (req) => {
    const p = principal(req);
    if (p.role === "quant") {
      // A quant learns only whether it may deploy.
      return { engaged: ctx.deployments.engagedSwitch(p.tenant) !== null };
    }
    return { switches: ctx.deployments.switches() };
  });
}

function killScope(body: unknown): KillScope {
  const o: Json = jsonObject(body, "the request body");
  onlyFields(o, ["tenant", "global"], "the request body");
  if (o.global === true && o.tenant === undefined) return { global: true };
  if (typeof o.tenant === "string" && TENANT_PATTERN.test(o.tenant) && o.global === undefined) return { tenant: o.tenant };
  throw badRequest('give either {"tenant": "<tenant>"} or {"global": true}');
}
