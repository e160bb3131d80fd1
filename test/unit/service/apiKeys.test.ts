/** API keys: format, hash-only storage, authentication and its refusals. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authenticate, bearerKey, keyIdOf, newApiKey } from "../../../host/service/auth/apiKeys.ts";
import type { KeyRecord } from "../../../host/service/store/records.ts";

describe("API keys", () => {
  const { key, record } = newApiKey("acme", "quant", 1);
  const lookup = (id: string): KeyRecord | undefined => (id === record.keyId ? record : undefined);

  it("have the documented form, and the record holds only sha256 of the secret", () => {
    expect(key).toMatch(/^rfk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(keyIdOf(key)).toBe(record.keyId);
    const secret = key.split("_").slice(2).join("_");
    expect(Buffer.from(record.secretSha256).toString("hex")).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(record)).not.toContain(secret);
    expect(newApiKey("acme", "quant", 1).key).not.toBe(key);
  });

  it("authenticates the key and refuses every near miss", () => {
    expect(authenticate(key, lookup)).toBe(record);
    const flipped = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    for (const bad of [flipped, key + "x", key.slice(0, -1), "", "Bearer " + key, key.toUpperCase(), key.replace(record.keyId, "0000000000000000")]) {
      expect(authenticate(bad, lookup), bad).toBeNull();
    }
    expect(authenticate(key, (id) => (id === record.keyId ? { ...record, revoked: true } : undefined))).toBeNull();
  });

  it("reads only a well-formed Bearer header", () => {
    expect(bearerKey(`Bearer ${key}`)).toBe(key);
    expect(bearerKey(undefined)).toBeNull();
    expect(bearerKey(`Basic ${key}`)).toBeNull();
    expect(bearerKey("Bearer ")).toBeNull();
    expect(bearerKey(`Bearer ${"x".repeat(201)}`)).toBeNull();
  });
});
