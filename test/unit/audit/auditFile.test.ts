import { describe, expect, it } from "vitest";
import { encodeAuditFile, verifyAuditBytes, type AuditBreak } from "../../../host/audit/auditFile.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { byteRoles, parseFile, sampleLogs, writeFile, type ByteRole } from "./auditFixtures.ts";

function expectBroken(bytes: Uint8Array): AuditBreak {
  const r = verifyAuditBytes(bytes);
  expect(r.ok).toBe(false);
  expect(r.firstBroken).toBeDefined();
  return r.firstBroken!;
}

/** Where a problem at a byte with this role must be reported (truncation: the first missing byte). */
function expectedAt(role: ByteRole): Partial<AuditBreak> {
  switch (role.part) {
    case "file":
    case "chainCount":
      return { part: "file", chainIndex: -1 };
    case "labelLength":
    case "label":
    case "entryCount":
      return { part: "chainHeader", chainIndex: role.chainIndex };
    case "frame":
      return { part: "entry", chainIndex: role.chainIndex, index: role.index };
    case "head":
      return { part: "head", chainIndex: role.chainIndex, index: role.index };
  }
}

describe("audit file: a good file", () => {
  it("verifies every chain and reports label, entry count and head", () => {
    const logs = sampleLogs(testSeed("auditFile.good"));
    const r = verifyAuditBytes(encodeAuditFile(logs));
    expect(r.ok).toBe(true);
    expect(r.firstBroken).toBeUndefined();
    expect(r.chains).toEqual(logs.map((l) => ({ label: l.label, entries: l.count, headHex: l.headHex })));
    expect(r.chains.map((c) => c.entries)).toEqual([24, 12, 12, 0]);
  });

  it("encoding is deterministic: the same appends give the same bytes", () => {
    const seed = testSeed("auditFile.deterministic");
    expect(Buffer.from(encodeAuditFile(sampleLogs(seed))).equals(Buffer.from(encodeAuditFile(sampleLogs(seed))))).toBe(true);
  });

  it("a file with no chains is valid (and says so)", () => {
    expect(verifyAuditBytes(encodeAuditFile([]))).toEqual({ ok: true, chains: [] });
  });
});

describe("audit file: tampering is detected at the first broken entry", () => {
  it("flipping any byte anywhere is caught, and reported at that byte's entry", () => {
    const seed = testSeed("auditFile.flip");
    const rand = prng(seed);
    const bytes = encodeAuditFile(sampleLogs(seed, 6));
    const roles = byteRoles(bytes);
    expect(roles.length).toBe(bytes.length);
    const seen = new Set<string>();
    for (let at = 0; at < bytes.length; at++) {
      const mask = randInt(rand, 1, 255);
      const bad = bytes.slice();
      bad[at] ^= mask;
      const role = roles[at];
      seen.add(role.part);
      const b = expectBroken(bad);
      const where = `byte ${at} (${JSON.stringify(role)}) ^ ${mask}: got ${JSON.stringify(b)}`;
      switch (role.part) {
        case "file":
          expect(b.part, where).toBe("file");
          break;
        case "chainCount":
          break; // any report will do: the chain list no longer matches the bytes
        case "labelLength":
        case "entryCount":
          expect(b.chainIndex, where).toBe(role.chainIndex);
          break;
        case "label": {
          // The label feeds the genesis hash: the chain breaks at its first entry (or its head when empty).
          const n = parseFile(bytes).chains[role.chainIndex].frames.length;
          expect(b, where).toMatchObject(n > 0 ? { part: "entry", chainIndex: role.chainIndex, index: 0 } : { part: "head", chainIndex: role.chainIndex });
          break;
        }
        default:
          expect(b, where).toMatchObject(expectedAt(role));
      }
    }
    expect([...seen].sort()).toEqual(["chainCount", "entryCount", "file", "frame", "head", "label", "labelLength"]);
  });

  it("a removed entry is named, whether or not the count was fixed up", () => {
    const seed = testSeed("auditFile.remove");
    const f = parseFile(encodeAuditFile(sampleLogs(seed)));
    for (const [c, k] of [[0, 0], [0, 10], [1, 5], [2, 11]] as const) {
      const g = parseFile(writeFile(f));
      const n = g.chains[c].frames.length;
      g.chains[c].frames.splice(k, 1);
      const fixed = expectBroken(writeFile(g));
      const stale = expectBroken(writeFile(g, (ci, m) => (ci === c ? n : m)));
      if (k < n - 1) {
        expect(fixed).toMatchObject({ part: "entry", chainIndex: c, index: k });
        expect(fixed.reason).toMatch(/sequence number \d+ where \d+ belongs/);
        expect(stale).toMatchObject({ part: "entry", chainIndex: c, index: k });
      } else {
        expect(fixed).toMatchObject({ part: "head", chainIndex: c, index: n - 1 }); // the last one: the stored head no longer matches
        expect(stale).toMatchObject({ chainIndex: c, index: n - 1 });
      }
    }
  });

  it("reordered entries are named at the first moved one", () => {
    const seed = testSeed("auditFile.reorder");
    const rand = prng(seed);
    const f = parseFile(encodeAuditFile(sampleLogs(seed)));
    for (let trial = 0; trial < 20; trial++) {
      const g = parseFile(writeFile(f));
      const c = randInt(rand, 0, 2);
      const frames = g.chains[c].frames;
      const a = randInt(rand, 0, frames.length - 2);
      const b = randInt(rand, a + 1, frames.length - 1);
      [frames[a], frames[b]] = [frames[b], frames[a]];
      expect(expectBroken(writeFile(g))).toMatchObject({ part: "entry", chainIndex: c, index: a });
    }
  });

  it("an inserted entry (a copy from this or another chain) is named", () => {
    const seed = testSeed("auditFile.insert");
    const rand = prng(seed);
    const f = parseFile(encodeAuditFile(sampleLogs(seed)));
    for (let trial = 0; trial < 20; trial++) {
      const g = parseFile(writeFile(f));
      const c = randInt(rand, 0, 2);
      const from = randInt(rand, 0, 2);
      const j = randInt(rand, 0, g.chains[from].frames.length - 1);
      const src = g.chains[from].frames[j];
      const at = randInt(rand, 0, g.chains[c].frames.length);
      g.chains[c].frames.splice(at, 0, src);
      const b = expectBroken(writeFile(g));
      expect(b.chainIndex).toBe(c);
      // A copy of entry `at` put just before itself leaves position `at` intact: the break is one later.
      expect(b.index).toBe(from === c && j === at ? at + 1 : at);
    }
  });

  it("an entry replaced by another chain's entry with the same sequence number fails its hash", () => {
    const f = parseFile(encodeAuditFile(sampleLogs(testSeed("auditFile.swapChains"))));
    f.chains[2].frames[3] = f.chains[1].frames[3];
    const b = expectBroken(writeFile(f));
    expect(b).toMatchObject({ part: "entry", chainIndex: 2, index: 3 });
    expect(b.reason).toMatch(/hash mismatch/);
  });

  it("truncation at every length is caught and named at the first missing byte", () => {
    const bytes = encodeAuditFile(sampleLogs(testSeed("auditFile.truncate"), 4));
    const roles = byteRoles(bytes);
    for (let len = 0; len < bytes.length; len++) {
      const b = expectBroken(bytes.subarray(0, len));
      expect(b, `length ${len}: ${JSON.stringify(b)}`).toMatchObject(expectedAt(roles[len]));
      expect(b.reason).toMatch(/truncated|bad magic/);
    }
  });

  it("appended bytes are caught", () => {
    const bytes = encodeAuditFile(sampleLogs(testSeed("auditFile.append"), 2));
    const b = expectBroken(Buffer.concat([bytes, new Uint8Array([0])]));
    expect(b).toMatchObject({ part: "file", chainIndex: -1 });
    expect(b.reason).toMatch(/1 unexpected bytes after the last chain/);
  });

  it("a full rewrite with recomputed hashes verifies, but its head differs from the original (keep heads elsewhere)", () => {
    const honest = new AuditLog("run");
    const forged = new AuditLog("run");
    honest.append({ eventIndex: 0, timeNs: 0, call: "submit_order", args: [1], result: 1 });
    forged.append({ eventIndex: 0, timeNs: 0, call: "submit_order", args: [1], result: -4 });
    const r = verifyAuditBytes(encodeAuditFile([forged]));
    expect(r.ok).toBe(true);
    expect(r.chains[0].headHex).not.toBe(honest.headHex);
  });
});

describe("audit file: not an audit file", () => {
  it("empty, short, garbage, wrong magic, wrong version: one reason each, never a throw", () => {
    expect(expectBroken(new Uint8Array(0)).reason).toBe("truncated: 0 bytes, shorter than the 16-byte file header");
    expect(expectBroken(Buffer.from("hello world\n")).reason).toBe("not a ringfence audit file (bad magic)");
    expect(expectBroken(Buffer.from('{"not":"an audit file"}')).reason).toBe("not a ringfence audit file (bad magic)");
    const good = encodeAuditFile([]);
    const v2 = good.slice();
    v2[8] = 2;
    expect(expectBroken(v2).reason).toBe("unsupported format version 2 (this build reads 1)");
    const seed = testSeed("auditFile.garbage");
    const rand = prng(seed);
    for (let k = 0; k < 200; k++) {
      const junk = new Uint8Array(randInt(rand, 0, 300)).map(() => randInt(rand, 0, 255));
      if (k % 2 === 0) junk.set(good.subarray(0, Math.min(12, junk.length))); // right magic and version, junk after
      expect(verifyAuditBytes(junk).ok).toBe(false);
    }
  });
});
