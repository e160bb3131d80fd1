import { describe, expect, it } from "vitest";
import { readAuditChains } from "../../../host/audit/auditChains.ts";
import { auditFileBytes, encodeAuditFile, verifyAuditBytes, writeAuditFile, type AuditBreak } from "../../../host/audit/auditFile.ts";
import { MemorySink } from "../../../host/feed/sinks.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";
import { byteRoles, parseFile, sampleLogs, v1File, writeFile, type ByteRole } from "./auditFixtures.ts";

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
    case "blockEntries":
      return { part: "chainHeader", chainIndex: role.chainIndex };
    case "frame":
      return { part: "entry", chainIndex: role.chainIndex, index: role.index };
    case "blockHash":
      return { part: "block", chainIndex: role.chainIndex, index: role.index, through: role.through };
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
    expect(r.formatVersion).toBe(2);
  });

  it("encoding is deterministic: the same appends give the same bytes", () => {
    const seed = testSeed("auditFile.deterministic");
    expect(Buffer.from(encodeAuditFile(sampleLogs(seed))).equals(Buffer.from(encodeAuditFile(sampleLogs(seed))))).toBe(true);
  });

  it("a file with no chains is valid (and says so)", () => {
    expect(verifyAuditBytes(encodeAuditFile([]))).toEqual({ ok: true, formatVersion: 2, chains: [] });
  });
});

describe("audit file: tampering is detected at the first broken entry or block", () => {
  it("flipping any byte anywhere is caught, and reported at that byte's entry or the block that holds it", () => {
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
        case "blockEntries":
          expect(b.chainIndex, where).toBe(role.chainIndex);
          break;
        case "label": {
          // The label feeds the genesis hash: the chain breaks at its first block (or its head when empty).
          const n = parseFile(bytes).chains[role.chainIndex].frames.length;
          expect(b, where).toMatchObject(n > 0 ? { part: "block", chainIndex: role.chainIndex, index: 0 } : { part: "head", chainIndex: role.chainIndex });
          break;
        }
        case "frame":
          // What the entry's own bytes show (framing, sequence number, encoding) is named at the
          // entry; anything else fails the hash of the block that holds it.
          if (b.part === "entry") expect(b, where).toMatchObject({ chainIndex: role.chainIndex, index: role.index });
          else expect(b, where).toMatchObject({ part: "block", chainIndex: role.chainIndex, index: role.first, through: role.through });
          break;
        default:
          expect(b, where).toMatchObject(expectedAt(role));
      }
    }
    expect([...seen].sort()).toEqual(["blockEntries", "blockHash", "chainCount", "entryCount", "file", "frame", "head", "label", "labelLength"]);
  });

  it("a removed entry is named, whether or not the count was fixed up", () => {
    const seed = testSeed("auditFile.remove");
    const f = parseFile(encodeAuditFile(sampleLogs(seed, 13)));
    // In blocks of 4, chain 0 has 26 entries (its last block holds 24 and 25) and chains 1 and 2
    // have 13 (entry 12 is alone in the last block).
    for (const [c, k] of [[0, 0], [0, 10], [0, 25], [1, 5], [1, 12], [2, 12]] as const) {
      const g = parseFile(writeFile(f));
      const n = g.chains[c].frames.length;
      g.chains[c].frames.splice(k, 1);
      const fixed = expectBroken(writeFile(g));
      const stale = expectBroken(writeFile(g, (ci, m) => (ci === c ? n : m)));
      if (k < n - 1) {
        expect(fixed).toMatchObject({ part: "entry", chainIndex: c, index: k });
        expect(fixed.reason).toMatch(/sequence number \d+ where \d+ belongs/);
        expect(stale).toMatchObject({ part: "entry", chainIndex: c, index: k });
      } else if ((n - 1) % g.chains[c].blockEntries !== 0) {
        // The last one, from a block that keeps other entries: that block's hash no longer matches.
        const first = (n - 1) - ((n - 1) % g.chains[c].blockEntries);
        expect(fixed).toMatchObject({ part: "block", chainIndex: c, index: first, through: n - 2 });
        expect(stale).toMatchObject({ chainIndex: c, index: n - 1 });
      } else {
        // The last one, alone in its block: the block goes, and the stored head no longer matches.
        expect(fixed).toMatchObject({ part: "head", chainIndex: c, index: n - 1 });
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
      // A copy with the sequence number of position `at` (entry `at` itself, or that entry of
      // another chain) passes the entry checks there: the break is the next position's sequence
      // number, or the hash of the block that holds `at` when that block ends first.
      const sameSeq = j === at;
      if (b.part === "block") {
        expect(sameSeq).toBe(true);
        expect(b.index).toBeLessThanOrEqual(at);
        expect(b.through).toBeGreaterThanOrEqual(at);
      } else {
        expect(b.index).toBe(sameSeq ? at + 1 : at);
      }
    }
  });

  it("an entry replaced by another chain's entry with the same sequence number fails its hash", () => {
    const f = parseFile(encodeAuditFile(sampleLogs(testSeed("auditFile.swapChains"))));
    f.chains[2].frames[2] = f.chains[1].frames[2];
    const b = expectBroken(writeFile(f));
    expect(b).toMatchObject({ part: "block", chainIndex: 2, index: 0, through: 3 });
    expect(b.reason).toMatch(/hash mismatch \(an entry of 0\.\.3/);
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
    const v3 = good.slice();
    v3[8] = 3;
    expect(expectBroken(v3).reason).toBe("unsupported format version 3 (this build reads 1 and 2)");
    const seed = testSeed("auditFile.garbage");
    const rand = prng(seed);
    for (let k = 0; k < 200; k++) {
      const junk = new Uint8Array(randInt(rand, 0, 300)).map(() => randInt(rand, 0, 255));
      if (k % 2 === 0) junk.set(good.subarray(0, Math.min(12, junk.length))); // right magic and version, junk after
      expect(verifyAuditBytes(junk).ok).toBe(false);
    }
  });
});

describe("audit file: format 1 (one hash per entry) is still read", () => {
  it("verifies, reads its entries, and names the exact entry a changed byte is in", () => {
    const seed = testSeed("auditFile.v1");
    const { bytes, chains, frameAt } = v1File(seed);
    const r = verifyAuditBytes(bytes);
    expect(r).toMatchObject({ ok: true, formatVersion: 1, chains });
    const read = readAuditChains(bytes);
    expect(read.map((c) => [c.label, c.entries.length, c.headHex, c.formatVersion])).toEqual(chains.map((c) => [c.label, c.entries, c.headHex, 1]));
    expect(read[1].entries.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    const rand = prng(seed);
    for (let trial = 0; trial < 40; trial++) {
      const c = randInt(rand, 0, 2);
      const k = randInt(rand, 0, frameAt[c].length - 1);
      const bad = bytes.slice();
      // A byte of entry k's payload past its sequence number.
      bad[frameAt[c][k] + 4 + 8 + randInt(rand, 0, 20)] ^= randInt(rand, 1, 255);
      expect(expectBroken(bad)).toMatchObject({ part: "entry", chainIndex: c, index: k });
    }
  });
});

describe("writeAuditFile", () => {
  it("streams the bytes encodeAuditFile builds, a few chunk-sized writes rather than one per block", () => {
    const seed = testSeed("writeAuditFile");
    const rand = prng(seed);
    const logs = [new AuditLog("run"), new AuditLog("strategy:a"), new AuditLog("strategy:b")];
    const entries = 5_000 + Math.floor(rand() * 5_000);
    for (let i = 0; i < entries; i++) {
      const log = logs[Math.floor(rand() * logs.length)];
      log.append({ eventIndex: i, timeNs: i * 1000, call: "submit_order", args: [1, 1, 1, 1, Math.floor(rand() * 1e6), 1, i], result: i });
    }
    const writes: Uint8Array[] = [];
    const sink = new MemorySink(16);
    writeAuditFile(logs, { write: (c) => { writes.push(c); sink.write(c); }, end: () => {}, abort: () => {} });
    expect(sink.bytes(), `seed ${seed}`).toEqual(encodeAuditFile(logs));
    expect(sink.bytes().length).toBe(auditFileBytes(logs));
    // The file header; per chain its header, the open block and the head,
    // and one write per chunk of sealed blocks (chunks are >= 64 KiB but the last).
    const bound = 1 + logs.length * 4 + logs.length + Math.ceil(sink.bytes().length / 65_536);
    const blocks = logs.reduce((n, l) => n + Math.ceil(l.count / l.blockEntries), 0);
    expect(writes.length, `seed ${seed}: ${blocks} blocks`).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(blocks);
    expect(verifyAuditBytes(sink.bytes()).ok).toBe(true);
  });
});
