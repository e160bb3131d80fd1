/**
 * API keys: `rfk_<keyId>_<secret>`, where keyId is 16 hex digits (public: it
 * names the key in the audit trail and finds its record) and secret is 32
 * random bytes in base64url. Only sha256(secret) is stored. A 256-bit random
 * secret needs no slow password hash: nobody can guess it, and sha256 keeps
 * the check cheap on every request.
 *
 * Checking compares the full 32-byte digests with crypto.timingSafeEqual;
 * an unknown key id is compared against a fixed dummy digest, so a wrong key
 * takes the same work whether or not its id exists.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { KeyRecord, Role } from "../store/records.ts";
import { KEY_ID_PATTERN } from "../store/schema.ts";

export const KEY_PREFIX = "rfk_";
const KEY_PATTERN = /^rfk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const DUMMY_DIGEST = createHash("sha256").update("ringfence: no such key").digest();

export interface NewKey {
  /** The whole key, shown once. */
  readonly key: string;
  readonly record: KeyRecord;
}

export function newApiKey(tenant: string, role: Role, createdAtMs: number): NewKey {
  const keyId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return {
    key: `${KEY_PREFIX}${keyId}_${secret}`,
    record: { keyId, tenant, role, secretSha256: secretDigest(secret), createdAtMs, revoked: false },
  };
}

function secretDigest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** The key id of a well-formed key, or null. */
export function keyIdOf(key: string): string | null {
  const m = KEY_PATTERN.exec(key);
  return m === null ? null : m[1];
}

/**
 * The key's record when `key` is valid and not revoked; null otherwise.
 * `lookup` finds a record by key id (the store).
 */
export function authenticate(key: string, lookup: (keyId: string) => KeyRecord | undefined): KeyRecord | null {
  const m = KEY_PATTERN.exec(key);
  const record = m !== null && KEY_ID_PATTERN.test(m[1]) ? lookup(m[1]) : undefined;
  const expected = record !== undefined ? Buffer.from(record.secretSha256) : DUMMY_DIGEST;
  const given = secretDigest(m !== null ? m[2] : key);
  const same = expected.length === given.length && timingSafeEqual(expected, given);
  return same && record !== undefined && !record.revoked ? record : null;
}

/** The key from an `Authorization: Bearer KEY` header, or null. */
export function bearerKey(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer ([\x21-\x7e]{1,200})$/.exec(header.trim());
  return m === null ? null : m[1];
}
