/**
 * Issuing a key: the record and its service-chain audit entry in one
 * durable transaction. Shared by `ringfence keys create` and POST /v1/keys.
 */
import { newApiKey } from "./apiKeys.ts";
import type { KeyRecord, Role } from "../store/records.ts";
import { SERVICE_CHAIN } from "../store/schema.ts";
import type { ServiceStore } from "../store/serviceStore.ts";

/** Creates a key durably (record + service-chain audit entry); the CLI and the route share it. */
export async function createKey(store: ServiceStore, tenant: string, role: Role, by: string, nowMs: number): Promise<{ key: string; record: KeyRecord }> {
  const k = newApiKey(tenant, role, nowMs);
  await store.commit(() => {
    store.keys.putSync(k.record.keyId, k.record);
    store.appendAudit(SERVICE_CHAIN, "key_created", { keyId: k.record.keyId, tenant, role, by });
  });
  return k;
}
