/** Who may do what: the whole role × action table, so a change to one rule shows here. */
import { describe, expect, it } from "vitest";
import { canHalt, canKill, canManageKeys, canRead, canWrite, type Principal } from "../../../host/service/auth/access.ts";

const quant: Principal = { keyId: "q", tenant: "acme", role: "quant" };
const risk: Principal = { keyId: "r", tenant: "ops", role: "risk" };
const admin: Principal = { keyId: "a", tenant: "ops", role: "admin" };

describe("access rules", () => {
  it("matches the documented table", () => {
    const row = (p: Principal) => [canRead(p, "acme"), canRead(p, "globex"), canWrite(p), canHalt(p, "acme"), canHalt(p, "globex"), canKill(p), canManageKeys(p)];
    expect(row(quant)).toEqual([true, false, true, true, false, false, false]);
    expect(row(risk)).toEqual([true, true, false, true, true, true, false]);
    expect(row(admin)).toEqual([true, true, false, false, false, false, true]);
  });
});
