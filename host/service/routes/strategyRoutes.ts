/**
 * Strategy uploads and the registry.
 *
 *   POST /v1/strategies                     application/wasm body (?name=…), or JSON {"source","name"}
 *                                           → 201 new, 200 already registered for this tenant,
 *                                             422 rejected (admission reasons / compile error), 413 too big
 *   GET  /v1/strategies[?tenant=T]          a quant's own; risk and admin: every tenant's, or T's
 *   GET  /v1/strategies/:codeId[?tenant=T]  another tenant's is 404 for a quant
 *
 * The upload is acknowledged only after the module, its registry record
 * and the audit entry are committed and flushed (one transaction).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError, badRequest, forbidden, notFound } from "../apiError.ts";
import { canRead, canWrite, type Principal } from "../auth/access.ts";
import type { CompileResult } from "../compile/compileRunner.ts";
import { jsonObject, onlyFields } from "../requestFields.ts";
import type { StrategyRecord } from "../store/records.ts";
import { CODE_ID_PATTERN, STRATEGY_NAME_PATTERN, strategyKey, TENANT_PATTERN, tenantChain } from "../store/schema.ts";
import { idParam, principal, queryValue, takeCostly, type ServiceContext } from "./context.ts";

export function strategyView(r: StrategyRecord): Record<string, unknown> {
  return { codeId: r.codeId, tenant: r.tenant, name: r.name, source: r.source, sizeBytes: r.sizeBytes, notes: r.notes, uploadedBy: r.uploadedBy, uploadedAtMs: r.uploadedAtMs };
}

interface Upload {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly source: StrategyRecord["source"];
  readonly warnings: readonly string[];
}

export function registerStrategyRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.post("/v1/strategies", { bodyLimit: Math.max(ctx.config.maxWasmBytes, ctx.config.maxSourceBytes * 2) }, async (req, reply) => {
    const p = principal(req);
    if (!canWrite(p)) throw forbidden(`a ${p.role} key cannot upload strategies; use a quant key of the tenant`);
    takeCostly(ctx, p);
    // A compile nobody waits for any more gives its slot (or its place in line) back.
    const gone = new AbortController();
    reply.raw.once("close", () => {
      if (!reply.raw.writableEnded) gone.abort();
    });
    const upload = await readUpload(req, ctx, p.tenant, gone.signal);
    const admitted = await ctx.admission.admit({ bytes: upload.bytes, label: upload.name });
    if (!admitted.admitted) {
      await ctx.store.commit(() => ctx.store.appendAudit(tenantChain(p.tenant), "upload_rejected", {
        key: p.keyId, codeId: admitted.codeId, name: upload.name, reasons: admitted.reasons.map((r) => r.code),
      }, 422));
      const first = admitted.reasons[0];
      throw new ApiError(422, "admission_rejected", `rejected by admission: ${first ? first.message : "no reason given"}${admitted.reasons.length > 1 ? ` (and ${admitted.reasons.length - 1} more)` : ""}`, {
        admitted: false, codeId: admitted.codeId, reasons: admitted.reasons,
      });
    }
    const record: StrategyRecord = {
      tenant: p.tenant, codeId: admitted.codeId, name: upload.name, source: upload.source, sizeBytes: upload.bytes.length,
      notes: [...admitted.notes], uploadedBy: p.keyId, uploadedAtMs: ctx.nowMs(),
    };
    // The check for an earlier upload runs inside the transaction: two identical uploads at once register once.
    const existing = await ctx.store.commit(() => {
      const earlier = ctx.store.strategy(p.tenant, record.codeId);
      if (earlier !== undefined) return earlier;
      if (ctx.store.modules.get(record.codeId) === undefined) ctx.store.modules.putSync(record.codeId, upload.bytes);
      ctx.store.strategies.putSync(strategyKey(p.tenant, record.codeId), record);
      ctx.store.appendAudit(tenantChain(p.tenant), "upload", {
        key: p.keyId, codeId: record.codeId, name: record.name, source: record.source, sizeBytes: record.sizeBytes,
      }, 201);
      return undefined;
    });
    if (existing !== undefined) return reply.code(200).send({ ...strategyView(existing), admitted: true, existing: true });
    return reply.code(201).send({ ...strategyView(record), admitted: true, existing: false, meteredBytes: admitted.meteredBytes, warnings: upload.warnings });
  });

  app.get("/v1/strategies", async (req) => {
    const p = principal(req);
    const tenant = tenantFilter(req, p);
    const list = tenant !== null ? ctx.store.tenantStrategies(tenant) : ctx.store.allStrategies();
    return { strategies: list.map(strategyView) };
  });

  app.get("/v1/strategies/:codeId", async (req) => {
    const p = principal(req);
    const codeId = idParam(req, "codeId", CODE_ID_PATTERN, "strategy");
    const tenant = tenantFilter(req, p);
    const rec = tenant !== null
      ? ctx.store.strategy(tenant, codeId)
      : ctx.store.allStrategies().find((s) => s.codeId === codeId);
    if (rec === undefined || !canRead(p, rec.tenant)) throw notFound(`strategy ${codeId}`);
    return strategyView(rec);
  });
}

/** A quant's own tenant; risk/admin: ?tenant=T, or null for every tenant. */
export function tenantFilter(req: FastifyRequest, p: Principal): string | null {
  const asked = queryValue(req, "tenant");
  if (asked !== undefined && !TENANT_PATTERN.test(asked)) throw badRequest("tenant must be 1..32 of a-z, 0-9, '_', '-'");
  if (p.role === "quant") return p.tenant; // a quant's ?tenant= is ignored: it only ever sees its own
  return asked ?? null;
}

async function readUpload(req: FastifyRequest, ctx: ServiceContext, tenant: string, signal: AbortSignal): Promise<Upload> {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/wasm") {
    const body = req.body;
    if (!(body instanceof Uint8Array) || body.length === 0) throw badRequest("the application/wasm body is empty");
    if (body.length > ctx.config.maxWasmBytes) throw new ApiError(413, "payload_too_large", `module is ${body.length} bytes, over the ${ctx.config.maxWasmBytes}-byte limit`);
    const name = queryValue(req, "name") ?? "module";
    if (!STRATEGY_NAME_PATTERN.test(name)) throw badRequest("name must be 1..64 of letters, digits, '_' or '-', starting with a letter, digit or '_'");
    return { bytes: new Uint8Array(body), name, source: "wasm", warnings: [] };
  }
  const o = jsonObject(req.body, "the request body");
  onlyFields(o, ["source", "name"], "the request body");
  if (typeof o.source !== "string" || o.source.length === 0) throw badRequest('"source" must be a non-empty string of AssemblyScript');
  if (typeof o.name !== "string" || !STRATEGY_NAME_PATTERN.test(o.name)) {
    throw badRequest('"name" must be 1..64 of letters, digits, \'_\' or \'-\', starting with a letter, digit or \'_\'');
  }
  const sourceBytes = Buffer.byteLength(o.source, "utf8");
  if (sourceBytes > ctx.config.maxSourceBytes) throw new ApiError(413, "payload_too_large", `source is ${sourceBytes} bytes, over the ${ctx.config.maxSourceBytes}-byte limit`);
  const r: CompileResult = await ctx.compiler.compile({ source: o.source, name: o.name, tenant, signal });
  if (!r.ok) {
    const limit = "limit" in r ? r.limit : null;
    if (limit === "busy") throw new ApiError(503, "busy", r.message);
    const code = limit === "timeout" ? "compile_timeout" : limit === "memory" ? "compile_memory" : limit === "crashed" ? "compile_failed" : "compile_error";
    throw new ApiError(422, code, r.message, { admitted: false, diagnostics: r.diagnostics });
  }
  return { bytes: r.wasm, name: o.name, source: "assemblyscript", warnings: r.warnings };
}
