/** What every route module is given, and the helpers they share. */
import type { FastifyRequest } from "fastify";
import { ApiError } from "../apiError.ts";
import type { Principal } from "../auth/access.ts";
import type { RateLimiter } from "../auth/rateLimiter.ts";
import type { AdmissionPool } from "../compile/admissionPool.ts";
import type { CompileRunner } from "../compile/compileRunner.ts";
import type { DeploymentManager } from "../deployments/deploymentManager.ts";
import type { JobRunner } from "../jobs/jobRunner.ts";
import type { ServiceConfig } from "../serviceConfig.ts";
import type { ServiceStore } from "../store/serviceStore.ts";

export interface ServiceContext {
  readonly store: ServiceStore;
  readonly config: ServiceConfig;
  readonly compiler: CompileRunner;
  readonly admission: AdmissionPool;
  readonly jobs: JobRunner;
  readonly deployments: DeploymentManager;
  readonly costlyLimiter: RateLimiter;
  readonly nowMs: () => number;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth hook on every /v1 route but /v1/health. */
    principal: Principal | null;
  }
}

/** The authenticated caller (the auth hook guarantees one on /v1 routes). */
export function principal(req: FastifyRequest): Principal {
  if (req.principal === null) throw new ApiError(401, "unauthorized", "missing or invalid API key (send Authorization: Bearer KEY)");
  return req.principal;
}

/** Takes a token of the key's costly-operation budget (uploads, backtests, deployments), or 429. */
export function takeCostly(ctx: ServiceContext, p: Principal): void {
  const d = ctx.costlyLimiter.take(p.keyId);
  if (!d.allowed) throw new ApiError(429, "rate_limited", `too many uploads, backtests or deployments for this key; retry in ${d.retryAfterS} s`, { retryAfterS: d.retryAfterS });
}

/** A route parameter that must match `pattern`; anything else is reported as not found. */
export function idParam(req: FastifyRequest, name: string, pattern: RegExp, what: string): string {
  const v = (req.params as Record<string, string | undefined>)[name];
  if (typeof v !== "string" || !pattern.test(v)) throw new ApiError(404, "not_found", `${what} not found`);
  return v;
}

/** A query-string value, one at most. */
export function queryValue(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown> | undefined)?.[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new ApiError(400, "bad_request", `query parameter '${name}' must be given once`);
  return v;
}
