/**
 * The upload service: a fastify app over the store, the compile runner, the
 * admission and backtest pools and the deployments. `startService` opens
 * everything in order (store → crash recovery → pools → routes → listen);
 * `close` takes it down in reverse.
 *
 * Every /v1 route but /v1/health needs `Authorization: Bearer KEY`. Hooks,
 * in order: anonymous rate limit (by address, before the key is checked),
 * authentication, per-key rate limit. Every response carries the security
 * headers below; every error is `{"error": {"code", "message"}}` — one
 * line, never a stack trace.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from "fastify";
import { errorLine, firstLine } from "../text/printable.ts";
import { ApiError } from "./apiError.ts";
import { principalOf } from "./auth/access.ts";
import { authenticate, bearerKey } from "./auth/apiKeys.ts";
import { RateLimiter } from "./auth/rateLimiter.ts";
import { AdmissionPool } from "./compile/admissionPool.ts";
import { CompileRunner } from "./compile/compileRunner.ts";
import { registerDashboardRoutes } from "./dashboard/dashboardRoutes.ts";
import { DeploymentManager } from "./deployments/deploymentManager.ts";
import { JobRunner } from "./jobs/jobRunner.ts";
import { takeServeLock, type ServeLock } from "./store/serveLock.ts";
import { registerAuditRoutes } from "./routes/auditRoutes.ts";
import { registerBacktestRoutes } from "./routes/backtestRoutes.ts";
import type { ServiceContext } from "./routes/context.ts";
import { registerDeploymentRoutes } from "./routes/deploymentRoutes.ts";
import { registerKeyRoutes } from "./routes/keyRoutes.ts";
import { registerStrategyRoutes } from "./routes/strategyRoutes.ts";
import { serviceConfig, type ServiceConfig } from "./serviceConfig.ts";
import { ServiceStore } from "./store/serviceStore.ts";

export interface WorkerScripts {
  /** dist/serviceCompile.worker.mjs */
  readonly compile: string;
  /** dist/serviceAdmit.worker.mjs */
  readonly admit: string;
  /** dist/serviceBacktest.worker.mjs */
  readonly backtest: string;
  /** dist/strategyWorker.worker.mjs */
  readonly strategy: string;
}

export interface ServiceOptions {
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly workers: WorkerScripts;
  readonly config?: Partial<ServiceConfig>;
  /** Wall clock for records and rate limits (never for anything a strategy or the audit log sees). */
  readonly nowMs?: () => number;
}

export interface StartupReport {
  /** Chains whose stored entries did not verify at start-up (names the first break). */
  readonly brokenChains: string[];
  readonly chains: number;
  readonly interruptedDeployments: number;
  readonly resumedJobs: number;
}

export interface RunningService {
  readonly app: FastifyInstance;
  readonly ctx: ServiceContext;
  /** http://host:port */
  readonly url: string;
  readonly startup: StartupReport;
  close(): Promise<void>;
}

/** Security headers on every response. The dashboard's page widens the CSP for its own script (dashboardRoutes.ts). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
  "cache-control": "no-store",
});

function setSecurityHeaders(reply: FastifyReply): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!reply.hasHeader(name)) reply.header(name, value);
  }
}

export async function startService(o: ServiceOptions): Promise<RunningService> {
  const config = serviceConfig(o.config);
  const nowMs = o.nowMs ?? Date.now;
  const store = ServiceStore.open(o.dataDir);
  let lock: ServeLock;
  try {
    lock = await takeServeLock(o.dataDir);
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
  const opened: { close(): Promise<void> }[] = [];
  try {
    const brokenChains: string[] = [];
    const chains = store.audit.chains();
    for (const chain of chains) {
      const v = store.audit.view(chain, 0, 0).verification;
      if (!v.ok) brokenChains.push(`${chain} (entry ${v.firstBroken!.index}: ${v.firstBroken!.reason})`);
    }
    const compiler = new CompileRunner(o.workers.compile, config.compile);
    opened.push(compiler);
    const admission = new AdmissionPool({ workerScript: o.workers.admit, threads: config.admissionThreads, maxQueued: config.admissionMaxQueued, timeoutMs: config.admissionTimeoutMs });
    opened.push(admission);
    const jobs = new JobRunner(store, {
      workerScript: o.workers.backtest, threads: config.backtestThreads, maxPending: config.backtestMaxPending,
      timeoutMs: config.backtestTimeoutMs, seriesPoints: config.backtestSeriesPoints, nowMs,
    });
    opened.push(jobs);
    const deployments = new DeploymentManager(store, admission, { workerScript: o.workers.strategy, maxRunning: config.maxDeployments, nowMs });
    const interruptedDeployments = await deployments.markInterrupted();
    const resumedJobs = jobs.resume();
    const ctx: ServiceContext = { store, config, compiler, admission, jobs, deployments, costlyLimiter: new RateLimiter(config.costlyRate, nowMs), nowMs };
    const app = buildApp(ctx);
    const address = await app.listen({ host: o.host ?? "127.0.0.1", port: o.port ?? 0 });
    const url = address.replace("[::1]", "localhost");
    let closing: Promise<void> | null = null;
    return {
      app, ctx, url,
      startup: { brokenChains, chains: chains.length, interruptedDeployments, resumedJobs },
      close: () => (closing ??= (async () => {
        // Stop taking requests; stop compiles and admissions, so requests in
        // flight on them answer 503 instead of holding the shutdown for as
        // long as a compile runs (and a deploy waiting on admission fails
        // fast); then halt trading, after the deploys in flight landed.
        const http = app.close();
        await Promise.all([compiler.close(), admission.close()]);
        await deployments.closeAll();
        await jobs.close();
        await http;
        await store.close();
        await lock.release();
      })()),
    };
  } catch (e) {
    for (const c of opened.reverse()) await c.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    await lock.release();
    throw e;
  }
}

export function buildApp(ctx: ServiceContext): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: ctx.config.maxJsonBytes,
    // Routes check ids themselves; these keep odd URLs from reaching them at all.
    routerOptions: { maxParamLength: 128, ignoreTrailingSlash: false },
    return503OnClosing: true,
    // A URL the router cannot decode, or a path segment over maxParamLength,
    // is answered before any hook runs: give it the service's error shape and
    // headers (fastify's default echoed the path back without them).
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      const tooLong = err.code === "FST_ERR_MAX_PARAM_LENGTH";
      const status = tooLong ? 414 : 400;
      const message = tooLong ? "a path segment is longer than 128 characters" : "the request URL is not valid (bad percent-encoding?)";
      setSecurityHeaders(reply);
      void reply.code(status).send({ error: { code: tooLong ? "uri_too_long" : "bad_request", message } });
    },
  });
  const keyLimiter = new RateLimiter(ctx.config.rate, ctx.nowMs);
  const anonLimiter = new RateLimiter(ctx.config.anonymousRate, ctx.nowMs);

  app.decorateRequest("principal", null);
  app.addContentTypeParser("application/wasm", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  // A response sent once close() has begun closes its connection: a client's
  // idle keep-alive would otherwise hold the shutdown for the keep-alive timeout.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_req, reply, payload) => {
    setSecurityHeaders(reply);
    if (closing) reply.header("connection", "close");
    return payload;
  });

  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0];
    if (!path.startsWith("/v1/") || path === "/v1/health") return;
    const key = bearerKey(req.headers.authorization);
    const record = key === null ? null : authenticate(key, (id) => ctx.store.keys.get(id));
    if (record === null) {
      const d = anonLimiter.take(`addr:${req.ip}`);
      if (!d.allowed) {
        reply.header("retry-after", String(d.retryAfterS));
        throw new ApiError(429, "rate_limited", `too many requests without a valid key; retry in ${d.retryAfterS} s`);
      }
      reply.header("www-authenticate", 'Bearer realm="ringfence"');
      throw new ApiError(401, "unauthorized", "missing or invalid API key (send Authorization: Bearer KEY)");
    }
    const d = keyLimiter.take(record.keyId);
    if (!d.allowed) {
      reply.header("retry-after", String(d.retryAfterS));
      throw new ApiError(429, "rate_limited", `too many requests for this key; retry in ${d.retryAfterS} s`);
    }
    req.principal = principalOf(record);
  });

  app.setErrorHandler((err: FastifyError | ApiError, _req, reply) => {
    if (err instanceof ApiError) {
      if (err.status === 429 && typeof err.extra?.retryAfterS === "number") reply.header("retry-after", String(err.extra.retryAfterS));
      return reply.code(err.status).send({ error: { code: err.code, message: err.message, ...err.extra } });
    }
    const status = typeof err.statusCode === "number" ? err.statusCode : 500;
    if (status === 413) return reply.code(413).send({ error: { code: "payload_too_large", message: `request body is over the size limit for ${reply.request.url.split("?")[0]}` } });
    if (status === 415) return reply.code(415).send({ error: { code: "unsupported_media_type", message: "send application/json (or application/wasm to upload a module)" } });
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: { code: status === 404 ? "not_found" : "bad_request", message: firstLine(err.message) } });
    }
    // A bug, not bad input: one line to the operator, nothing internal to the client.
    process.stderr.write(`ringfence serve: internal error on ${reply.request.method} ${reply.request.url.split("?")[0]}: ${errorLine(err)}\n`);
    return reply.code(500).send({ error: { code: "internal", message: "internal error; the server log has one line about it" } });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: { code: "not_found", message: `no route ${req.method} ${req.url.split("?")[0].slice(0, 200)}` } });
  });

  app.get("/v1/health", async () => ({ ok: true }));
  registerKeyRoutes(app, ctx);
  registerStrategyRoutes(app, ctx);
  registerBacktestRoutes(app, ctx);
  registerDeploymentRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerDashboardRoutes(app);
  return app;
}
