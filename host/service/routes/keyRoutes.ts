/**
 * API keys (admin) and the caller's own identity (anyone).
 *
 *   GET    /v1/whoami                        {"tenant", "role", "keyId"}
 *   POST   /v1/keys {"tenant", "role"}       201 {"key", …}: the key is in this reply only
 *   GET    /v1/keys                          key ids, tenants, roles (never a secret or hash)
 *   DELETE /v1/keys/:keyId                   revoke
 */
import type { FastifyInstance } from "fastify";
import { badRequest, forbidden, notFound } from "../apiError.ts";
import { createKey } from "../auth/keyIssuer.ts";
import { canManageKeys } from "../auth/access.ts";
import { jsonObject, onlyFields } from "../requestFields.ts";
import { ROLES, type KeyRecord, type Role } from "../store/records.ts";
import { KEY_ID_PATTERN, SERVICE_CHAIN, TENANT_PATTERN } from "../store/schema.ts";
import { idParam, principal, type ServiceContext } from "./context.ts";

export function keyView(k: KeyRecord): Record<string, unknown> {
  return { keyId: k.keyId, tenant: k.tenant, role: k.role, createdAtMs: k.createdAtMs, revoked: k.revoked };
}

export function registerKeyRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get("/v1/whoami", async (req) => {
    const p = principal(req);
    return { keyId: p.keyId, tenant: p.tenant, role: p.role };
  });

  app.post("/v1/keys", async (req, reply) => {
    const p = principal(req);
    if (!canManageKeys(p)) throw forbidden("only an admin key can create keys");
    const o = jsonObject(req.body, "the request body");
    onlyFields(o, ["tenant", "role"], "the request body");
    if (typeof o.tenant !== "string" || !TENANT_PATTERN.test(o.tenant)) throw badRequest('"tenant" must be 1..32 of a-z, 0-9, \'_\', \'-\'');
    if (typeof o.role !== "string" || !(ROLES as readonly string[]).includes(o.role)) throw badRequest(`"role" must be one of ${ROLES.join(", ")}`);
    const k = await createKey(ctx.store, o.tenant, o.role as Role, p.keyId, ctx.nowMs());
    return reply.code(201).send({ ...keyView(k.record), key: k.key });
  });

  app.get("/v1/keys", async (req) => {
    const p = principal(req);
    if (!canManageKeys(p)) throw forbidden("only an admin key can list keys");
    return { keys: ctx.store.allKeys().map(keyView) };
  });

  app.delete("/v1/keys/:keyId", async (req) => {
    const p = principal(req);
    if (!canManageKeys(p)) throw forbidden("only an admin key can revoke keys");
    const keyId = idParam(req, "keyId", KEY_ID_PATTERN, "key");
    const revoked = await ctx.store.commit(() => {
      const k = ctx.store.keys.get(keyId);
      if (k === undefined) return null;
      if (!k.revoked) {
        ctx.store.keys.putSync(keyId, { ...k, revoked: true });
        ctx.store.appendAudit(SERVICE_CHAIN, "key_revoked", { keyId, by: p.keyId });
      }
      return { ...k, revoked: true };
    });
    if (revoked === null) throw notFound(`key ${keyId}`);
    return keyView(revoked);
  });
}
