/**
 * Backtests on the piscina pool.
 *
 *   POST /v1/backtests {"codeIds": […], "dataset": {…}, "params": {…}, "risk": {…}}  → 202 {"id", "status"}
 *   GET  /v1/backtests[?tenant=T]     jobs, newest first
 *   GET  /v1/backtests/:id            status, summary, and the report (JSON) once done
 *   GET  /v1/backtests/:id/html       the self-contained HTML report with its charts
 */
import type { FastifyInstance } from "fastify";
import { ApiError, badRequest, forbidden, notFound } from "../apiError.ts";
import { canRead, canWrite } from "../auth/access.ts";
import { parseDataset } from "../jobs/datasets.ts";
import { jsonObject, onlyFields, paramsField, riskField } from "../requestFields.ts";
import type { JobRecord } from "../store/records.ts";
import { CODE_ID_PATTERN, JOB_ID_PATTERN } from "../store/schema.ts";
import { idParam, principal, takeCostly, type ServiceContext } from "./context.ts";
import { tenantFilter } from "./strategyRoutes.ts";

function jobView(j: JobRecord): Record<string, unknown> {
  return {
    id: j.id, tenant: j.tenant, status: j.status, codeIds: j.codeIds, dataset: j.dataset, params: j.params, risk: j.risk,
    createdBy: j.createdBy, createdAtMs: j.createdAtMs, finishedAtMs: j.finishedAtMs ?? null, error: j.error ?? null, summary: j.summary ?? null,
  };
}

export function registerBacktestRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post("/v1/backtests", async (req, reply) => {
    const p = principal(req);
    if (!canWrite(p)) throw forbidden(`a ${p.role} key cannot start backtests; use a quant key of the tenant`);
    const o = jsonObject(req.body, "the request body");
    onlyFields(o, ["codeIds", "dataset", "params", "risk"], "the request body");
    const codeIds = o.codeIds;
    if (!Array.isArray(codeIds) || codeIds.length === 0 || codeIds.length > ctx.config.maxStrategiesPerBacktest) {
      throw badRequest(`"codeIds" must be an array of 1..${ctx.config.maxStrategiesPerBacktest} code ids`);
    }
    for (const id of codeIds) {
      if (typeof id !== "string" || !CODE_ID_PATTERN.test(id)) throw badRequest('every entry of "codeIds" must be a code id (64 lowercase hex digits)');
      if (ctx.store.strategy(p.tenant, id) === undefined) throw notFound(`strategy ${id}`);
    }
    const dataset = parseDataset(o.dataset);
    const params = paramsField(o.params, "params");
    const risk = riskField(o.risk, "risk");
    takeCostly(ctx, p);
    const job = await ctx.jobs.submit(p, { codeIds: codeIds as string[], dataset, params, risk });
    return reply.code(202).send({ id: job.id, status: job.status });
  });

  app.get("/v1/backtests", async (req) => {
    const p = principal(req);
    const tenant = tenantFilter(req, p);
    const jobs = ctx.store.allJobs().filter((j) => tenant === null || j.tenant === tenant);
    jobs.sort((a, b) => b.createdAtMs - a.createdAtMs || (a.id < b.id ? -1 : 1));
    return { backtests: jobs.map(jobView) };
  });

  app.get("/v1/backtests/:id", async (req) => {
    const p = principal(req);
    const id = idParam(req, "id", JOB_ID_PATTERN, "backtest");
    const job = ctx.store.jobs.get(id);
    if (job === undefined || !canRead(p, job.tenant)) throw notFound(`backtest ${id}`);
    const report = job.status === "done" ? ctx.store.reports.get(id) : undefined;
    return { ...jobView(job), report: report === undefined ? null : JSON.parse(report.json) };
  });

  app.get("/v1/backtests/:id/html", async (req, reply) => {
    const p = principal(req);
    const id = idParam(req, "id", JOB_ID_PATTERN, "backtest");
    const job = ctx.store.jobs.get(id);
    if (job === undefined || !canRead(p, job.tenant)) throw notFound(`backtest ${id}`);
    if (job.status !== "done") throw new ApiError(409, "not_ready", `backtest ${id} is ${job.status}; its report exists once it is done`);
    const report = ctx.store.reports.get(id);
    if (report === undefined) throw notFound(`report of backtest ${id}`);
    // The page has no script and loads nothing: the same policy its own <meta> states.
    return reply
      .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'")
      .type("text/html; charset=utf-8")
      .send(report.html);
  });
}
