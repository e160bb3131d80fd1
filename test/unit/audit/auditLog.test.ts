import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeEntry, type DecodedAuditEntry } from "../../../host/audit/auditEncoding.ts";
import { HASH_BYTES } from "../../../host/audit/auditFormat.ts";
import { AuditLog, type AuditEntry } from "../../../host/audit/auditLog.ts";
import { prng, testSeed } from "../../support/seed.ts";
import { sampleLogs } from "./auditFixtures.ts";

const sha256 = (...parts: (string | Uint8Array)[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Walks framedEntries() independently: (entry bytes, stored hash) pairs. */
function frames(log: AuditLog): { entry: Uint8Array; hash: Uint8Array }[] {
  const b = log.framedEntries();
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = [];
  let p = 0;
  while (p < b.length) {
    const len = v.getUint32(p, true);
    out.push({ entry: b.slice(p + 4, p + 4 + len), hash: b.slice(p + 4 + len, p + 4 + len + HASH_BYTES) });
    p += 4 + len + HASH_BYTES;
  }
  return out;
}

function decoded(bytes: Uint8Array): DecodedAuditEntry {
  const d = decodeEntry(bytes);
  if (typeof d === "string") throw new Error(d);
  return d;
}

describe("AuditLog", () => {
  it("starts at genesis = sha256('ringfence-audit-v1\\n' + label)", () => {
    const log = new AuditLog("run");
    expect(log.count).toBe(0);
    expect(log.headHex).toBe(sha256("ringfence-audit-v1\nrun").toString("hex"));
    expect(log.genesisHex).toBe(log.headHex);
    expect(new AuditLog("strategy:x").headHex).not.toBe(log.headHex);
  });

  it("chains hash_i = sha256(hash_{i-1} || entry_i) and stores each hash", () => {
    const [run] = sampleLogs(testSeed("auditLog.chain"));
    let prev: Uint8Array = sha256("ringfence-audit-v1\nrun");
    const fs = frames(run);
    expect(fs.length).toBe(run.count);
    fs.forEach((f, k) => {
      const h = sha256(prev, f.entry);
      expect(Buffer.from(f.hash).equals(h)).toBe(true);
      expect(decoded(f.entry).seq).toBe(k);
      prev = h;
    });
    expect(Buffer.from(prev).toString("hex")).toBe(run.headHex);
  });

  it("round-trips every field bit-exactly, including -0, NaN, fractions, 2^53-1, unicode and absent detail", () => {
    const log = new AuditLog("rt");
    const entries: [AuditEntry, number | undefined][] = [
      [{ eventIndex: -1, timeNs: 0, call: "start", args: [], result: 0 }, undefined],
      [{ eventIndex: 5, timeNs: 2 ** 53 - 1, call: "submit_order", args: [0, 1, 1, 1, 10_050, 3, 0xffffffff], result: -4 }, 2],
      [{ eventIndex: 6, timeNs: -(2 ** 53 - 1), call: "odd", args: [-0, NaN, 1.5, Infinity, -Infinity, 2 ** 53, -7], result: -0 }, 0],
      [{ eventIndex: 7, timeNs: 1, call: "log", args: [1, 12], result: 0, detail: "" }, undefined],
      [{ eventIndex: 8, timeNs: 2, call: "log", args: [1, 12], result: 0, detail: "héllo ✓ 🚀 \n tab\t" }, 1],
    ];
    for (const [e, s] of entries) log.append(e, s);
    const got = frames(log).map((f) => decoded(f.entry));
    got.forEach((d, k) => {
      const [e, s] = entries[k];
      expect(d.seq).toBe(k);
      expect(Object.is(d.eventIndex, e.eventIndex)).toBe(true);
      expect(Object.is(d.timeNs, e.timeNs)).toBe(true);
      expect(Object.is(d.result, e.result)).toBe(true);
      expect(d.call).toBe(e.call);
      expect(d.args.length).toBe(e.args.length);
      d.args.forEach((a, j) => expect(Object.is(a, e.args[j]), `arg ${j} of entry ${k}`).toBe(true));
      expect(d.detail).toBe(e.detail);
      expect("detail" in d).toBe(e.detail !== undefined);
      expect(d.strategy).toBe(s);
    });
  });

  it("is deterministic, and sensitive to every field (-0 is not 0, '' is not absent)", () => {
    const base: AuditEntry = { eventIndex: 3, timeNs: 1_000, call: "cancel_order", args: [4], result: 0 };
    const head = (e: AuditEntry, s?: number, label = "x") => {
      const l = new AuditLog(label);
      l.append(e, s);
      return l.headHex;
    };
    const h0 = head(base);
    expect(head({ ...base })).toBe(h0);
    const variants = [
      head({ ...base, eventIndex: 4 }),
      head({ ...base, timeNs: 1_001 }),
      head({ ...base, call: "cancel_orde" }),
      head({ ...base, args: [5] }),
      head({ ...base, args: [4, 0] }),
      head({ ...base, args: [-0] }),
      head({ ...base, result: -0 }),
      head({ ...base, detail: "" }),
      head(base, 0),
      head(base, undefined, "y"),
    ];
    expect(new Set([h0, ...variants]).size).toBe(variants.length + 1);
  });

  it("grows its buffer past the initial 64 KiB without losing entries", () => {
    const log = new AuditLog("big");
    const detail = "x".repeat(500);
    for (let k = 0; k < 2_000; k++) log.append({ eventIndex: k, timeNs: k, call: "log", args: [1, 500], result: 0, detail });
    const fs = frames(log);
    expect(fs.length).toBe(2_000);
    expect(decoded(fs[1_999].entry)).toMatchObject({ seq: 1_999, eventIndex: 1_999, detail });
    expect(log.framedEntries().length).toBeGreaterThan(1_000_000);
  });

  it("rejects a label over 1024 bytes", () => {
    expect(() => new AuditLog("é".repeat(513))).toThrow("AuditLog: label must be at most 1024 bytes of UTF-8, got 1026");
  });
});

describe("AuditLog chunks", () => {
  it("framedEntries and framedFrom read the same frames whether the log is one chunk or many", () => {
    const seed = testSeed("audit chunks");
    const rnd = prng(seed);
    const log = new AuditLog("chunks");
    const starts: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      starts.push(log.framedBytes);
      const detail = rnd() < 0.1 ? "x".repeat(Math.floor(rnd() * 3000)) : undefined;
      log.append({ eventIndex: i, timeNs: i * 1000, call: "submit_order", args: [i, 1, 2, 3], result: i, detail });
    }
    const all = log.framedEntries();
    expect(all.length).toBe(log.framedBytes);
    expect(all.length).toBeGreaterThan(2 * 1024 * 1024); // several chunks
    const walked = frames(log);
    expect(walked.length).toBe(20_000);
    // The chain holds across chunk boundaries.
    let prev: Uint8Array = Buffer.from(log.genesisHex, "hex");
    for (const f of walked) {
      const h = sha256(prev, f.entry);
      if (Buffer.compare(h, Buffer.from(f.hash)) !== 0) throw new Error(`seed ${seed}: chain broken`);
      prev = h;
    }
    expect(Buffer.from(prev).toString("hex")).toBe(log.headHex);
    // Any frame boundary: framedFrom gives exactly the tail of framedEntries.
    for (let k = 0; k < 50; k++) {
      const i = Math.floor(rnd() * starts.length);
      const tail = log.framedFrom(starts[i]);
      expect(Buffer.compare(Buffer.from(tail), Buffer.from(all.subarray(starts[i]))), `seed ${seed} frame ${i}`).toBe(0);
    }
    expect(log.framedFrom(log.framedBytes).length).toBe(0);
    expect(() => log.framedFrom(log.framedBytes + 1)).toThrow(RangeError);
  });
});
