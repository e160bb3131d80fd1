/**
 * The LMDB audit chains: the same entry bytes as host/audit's AuditLog,
 * hashed one entry at a time (audit format 1), exportable as an audit file that verifies, persistent across
 * reopening, and a changed or missing stored entry is named by verification.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open } from "lmdb";
import { afterEach, describe, expect, it } from "vitest";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { verifyAuditBytes } from "../../../host/audit/auditFile.ts";
import { DB } from "../../../host/service/store/schema.ts";
import { ServiceStore } from "../../../host/service/store/serviceStore.ts";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "rf-audit-store-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ENTRIES = [
  { eventIndex: -1, timeNs: 0, call: "upload", args: [], result: 201, detail: '{"codeId":"ab"}' },
  { eventIndex: 17, timeNs: 123456789, call: "order", args: [0, 1, 1, 0, 10050, 3, 7], result: 4 },
  { eventIndex: 18, timeNs: 0, call: "kill_switch", args: [0, 2], result: 0, detail: "" },
  { eventIndex: 19, timeNs: 0.5, call: "fault", args: [-0], result: 0, detail: "trap: unreachable" },
];

/** The format-1 head of a log's entries: sha256 chained entry by entry from sha256("ringfence-audit-v1\n" || label). */
function formatOneHead(label: string, log: AuditLog): string {
  let h: Buffer = createHash("sha256").update("ringfence-audit-v1\n").update(label, "utf8").digest();
  log.visitEntries(0, (entry) => {
    h = createHash("sha256").update(h).update(entry).digest();
  });
  return h.toString("hex");
}

describe("AuditChainStore", () => {
  it("encodes entries exactly as AuditLog does, chains them one hash per entry (format 1), and the exported file verifies", async () => {
    const store = ServiceStore.open(tempDir());
    const log = new AuditLog("deployment:dp_0000000000000001");
    await store.commit(() => {
      for (const [i, e] of ENTRIES.entries()) {
        store.audit.appendInTransaction("deployment:dp_0000000000000001", e, i === 1 ? 0 : undefined);
        log.append(e, i === 1 ? 0 : undefined);
      }
    });
    const v1Head = formatOneHead("deployment:dp_0000000000000001", log);
    expect(store.audit.head("deployment:dp_0000000000000001")).toEqual({ count: ENTRIES.length, headHex: v1Head });
    const v = store.audit.view("deployment:dp_0000000000000001");
    expect(v.verification.ok).toBe(true);
    expect(v.entries.map((e) => e.call)).toEqual(ENTRIES.map((e) => e.call));
    expect(v.entries[1].strategy).toBe(0);
    const exported = verifyAuditBytes(store.audit.exportFile("deployment:dp_0000000000000001"));
    expect(exported).toMatchObject({ ok: true, formatVersion: 1 });
    expect(exported.chains[0].headHex).toBe(v1Head);
    await store.close();
  });

  it("an empty chain verifies with the genesis head", async () => {
    const store = ServiceStore.open(tempDir());
    const v = store.audit.view("tenant:none");
    expect(v.count).toBe(0);
    expect(v.verification.ok).toBe(true);
    expect(v.headHex).toBe(formatOneHead("tenant:none", new AuditLog("tenant:none")));
    await store.close();
  });

  it("survives reopening, and names a changed or a missing entry", async () => {
    const dir = tempDir();
    let store = ServiceStore.open(dir);
    await store.commit(() => {
      for (const e of ENTRIES) store.audit.appendInTransaction("service", e);
    });
    await store.close();
    store = ServiceStore.open(dir);
    expect(store.audit.view("service").verification.ok).toBe(true);
    await store.close();

    // Tamper with the raw database the way an attacker with file access would.
    const root = open({ path: dir, maxDbs: 16 });
    const raw = root.openDB<{ entry: Uint8Array; hash: Uint8Array }, [string, number]>(DB.audit, {});
    const second = raw.get(["service", 2])!;
    const changed = Buffer.from(second.entry);
    changed[changed.length - 1] ^= 1;
    raw.putSync(["service", 2], { entry: changed, hash: second.hash });
    await root.close();
    store = ServiceStore.open(dir);
    const broken = store.audit.view("service").verification;
    expect(broken.ok).toBe(false);
    expect(broken.firstBroken).toMatchObject({ chain: "service", index: 2, part: "entry" });
    await store.close();

    const root2 = open({ path: dir, maxDbs: 16 });
    root2.openDB(DB.audit, {}).removeSync(["service", 1]);
    await root2.close();
    store = ServiceStore.open(dir);
    const missing = store.audit.view("service").verification;
    expect(missing.ok).toBe(false);
    expect(missing.firstBroken).toMatchObject({ chain: "service", index: 1 });
    await store.close();
  });
});
