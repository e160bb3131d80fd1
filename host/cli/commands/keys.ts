/**
 * `ringfence keys create --data DIR --tenant T --role quant|risk|admin`:
 * a new API key for the upload service. The key is printed once, as the
 * last line of the output; the store keeps only a hash of it. Works while
 * the server runs (LMDB serializes the two processes' writes).
 *
 * `ringfence keys list --data DIR [--json]` and `ringfence keys revoke --data DIR KEYID`.
 */
import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { parseCommandArgs } from "../args.ts";
import { InputError, UsageError } from "../errors.ts";
import { DEFAULT_DATA_DIR } from "./serve.ts";

const ROLE_NAMES = ["quant", "risk", "admin"] as const;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "create" && sub !== "list" && sub !== "revoke") {
    throw new UsageError(`keys: expected 'create', 'list' or 'revoke', got ${sub === undefined ? "nothing" : `'${sub.slice(0, 40)}'`} (see 'ringfence help')`);
  }
  const { values, positionals } = parseCommandArgs(`keys ${sub}`, rest, {
    data: { type: "string" },
    tenant: { type: "string" },
    role: { type: "string" },
    json: { type: "boolean" },
  });
  const dataDir = resolve(values.data ?? DEFAULT_DATA_DIR);
  const { TENANT_PATTERN, KEY_ID_PATTERN, SERVICE_CHAIN } = await import("../../service/store/schema.ts");
  if (sub === "create") {
    if (positionals.length > 0) throw new UsageError(`keys create: unexpected argument '${positionals[0].slice(0, 40)}'`);
    if (values.tenant === undefined || !TENANT_PATTERN.test(values.tenant)) {
      throw new UsageError("keys create: --tenant must be 1..32 of a-z, 0-9, '_', '-', starting with a letter or digit");
    }
    const role = values.role;
    if (role === undefined || !(ROLE_NAMES as readonly string[]).includes(role)) throw new UsageError(`keys create: --role must be one of ${ROLE_NAMES.join("|")}`);
    const store = await openStore(dataDir);
    try {
      const { createKey } = await import("../../service/auth/keyIssuer.ts");
      const k = await createKey(store, values.tenant, role as (typeof ROLE_NAMES)[number], "cli", Date.now());
      process.stdout.write(`created ${role} key ${k.record.keyId} for tenant ${values.tenant} in ${dataDir}; only its hash is stored, so copy it now:\n${k.key}\n`);
    } finally {
      await store.close();
    }
    return 0;
  }
  if (!existsSync(dataDir)) throw new InputError(`keys ${sub}: no service store at '${dataDir}' (create a key first, or pass --data DIR)`);
  const store = await openStore(dataDir);
  try {
    if (sub === "list") {
      const keys = store.allKeys().map((k) => ({ keyId: k.keyId, tenant: k.tenant, role: k.role, createdAtMs: k.createdAtMs, revoked: k.revoked }));
      if (values.json) process.stdout.write(JSON.stringify({ keys }) + "\n");
      else for (const k of keys) process.stdout.write(`${k.keyId}  ${k.role.padEnd(5)}  ${k.tenant}${k.revoked ? "  (revoked)" : ""}\n`);
      return 0;
    }
    if (positionals.length !== 1 || !KEY_ID_PATTERN.test(positionals[0])) throw new UsageError("keys revoke: expected one key id (16 hex digits, as 'keys list' shows)");
    const keyId = positionals[0];
    const found = await store.commit(() => {
      const k = store.keys.get(keyId);
      if (k === undefined) return false;
      if (!k.revoked) {
        store.keys.putSync(keyId, { ...k, revoked: true });
        store.appendAudit(SERVICE_CHAIN, "key_revoked", { keyId, by: "cli" });
      }
      return true;
    });
    if (!found) throw new InputError(`keys revoke: no key ${keyId} in ${dataDir}`);
    process.stdout.write(`revoked key ${keyId}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function openStore(dataDir: string) {
  const { ServiceStore } = await import("../../service/store/serviceStore.ts");
  try {
    return ServiceStore.open(dataDir);
  } catch (e) {
    throw new InputError(`keys: ${(e as Error).message}`);
  }
}
