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

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
};

/** What writeBlocks hands out, gathered into one buffer; checks blockBytesLength on the way. */
function blockBytes(log: AuditLog): Uint8Array {
  const chunks: Uint8Array[] = [];
  log.writeBlocks((c) => chunks.push(new Uint8Array(c)));
  const all = Buffer.concat(chunks);
  expect(all.length).toBe(log.blockBytesLength);
  return all;
}

/**
 * Walks blockBytes() independently (format 2): the blocks, each its
 * entries' bytes, its frames as stored and its hash.
 */
function blocks(log: AuditLog): { entries: Uint8Array[]; frames: Uint8Array; hash: Uint8Array }[] {
  const b = blockBytes(log);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = [];
  let p = 0;
  let left = log.count;
  while (left > 0) {
    const n = Math.min(log.blockEntries, left);
    const start = p;
    const entries = [];
    for (let k = 0; k < n; k++) {
      const len = v.getUint32(p, true);
      entries.push(b.slice(p + 4, p + 4 + len));
      p += 4 + len;
    }
    out.push({ entries, frames: b.slice(start, p), hash: b.slice(p, p + HASH_BYTES) });
    p += HASH_BYTES;
    left -= n;
  }
  expect(p).toBe(b.length);
  return out;
}

/** Every entry's bytes, through visitEntries(from). */
function visited(log: AuditLog, from = 0): Uint8Array[] {
  const out: Uint8Array[] = [];
  log.visitEntries(from, (entry, index) => {
    expect(index).toBe(from + out.length);
    out.push(entry.slice());
  });
  return out;
}

function decoded(bytes: Uint8Array): DecodedAuditEntry {
  const d = decodeEntry(bytes);
  if (typeof d === "string") throw new Error(d);
  return d;
}

describe("AuditLog", () => {
  it("starts at genesis = sha256('ringfence-audit-v2\\n' + blockEntries u32 + label)", () => {
    const log = new AuditLog("run");
    expect(log.count).toBe(0);
    expect(log.headHex).toBe(sha256("ringfence-audit-v2\n", u32(64), "run").toString("hex"));
    expect(new AuditLog("run", 4).headHex).toBe(sha256("ringfence-audit-v2\n", u32(4), "run").toString("hex"));
    expect(log.genesisHex).toBe(log.headHex);
    expect(new AuditLog("strategy:x").headHex).not.toBe(log.headHex);
    expect(blockBytes(log).length).toBe(0);
  });

  it("chains blocks: hash_j = sha256(hash_{j-1} || block j's frames), the last block sealed as it stands", () => {
    const seed = testSeed("auditLog.chain");
    for (const block of [1, 3, 64]) {
      const [run] = sampleLogs(seed, 40, block);
      let prev: Uint8Array = sha256("ringfence-audit-v2\n", u32(block), "run");
      const bs = blocks(run);
      expect(bs.length).toBe(Math.ceil(run.count / block));
      let k = 0;
      for (const b of bs) {
        const h = sha256(prev, b.frames);
        expect(Buffer.from(b.hash).equals(h), `block size ${block}`).toBe(true);
        for (const e of b.entries) expect(decoded(e).seq).toBe(k++);
        prev = h;
      }
      expect(k).toBe(run.count);
      expect(Buffer.from(prev).toString("hex")).toBe(run.headHex);
    }
  });

  it("a log that retains nothing has the same chain, entry for entry, and refuses to hand out what it dropped", () => {
    const seed = testSeed("auditLog.headOnly");
    const rand = prng(seed);
    for (const block of [1, 4, 64]) {
      const kept = new AuditLog("strategy:x", block);
      const headOnly = new AuditLog("strategy:x", block, false);
      expect(headOnly.headHex).toBe(kept.headHex);
      const n = 3 * block + Math.floor(rand() * 2 * block);
      for (let k = 0; k < n; k++) {
        const e: AuditEntry = { eventIndex: k, timeNs: k * 7, call: rand() < 0.5 ? "submit_order" : "log", args: [k, Math.floor(rand() * 1e6)], result: k % 3, detail: rand() < 0.3 ? `d${k}` : undefined };
        kept.append(e);
        headOnly.append(e);
        if (headOnly.headHex !== kept.headHex) throw new Error(`seed ${seed} block ${block}: heads differ after entry ${k}`);
      }
      expect(headOnly.count).toBe(n);
      expect(headOnly.heldBlocks).toBe(0);
      expect(kept.heldBlocks).toBe(Math.floor(n / block));
      expect(() => blockBytes(headOnly), `seed ${seed}`).toThrow(/no longer held/);
      expect(() => headOnly.visitEntries(0, () => {}), `seed ${seed}`).toThrow(RangeError);
      // The open block is still there to read.
      const held = Math.floor(n / block) * block;
      expect(visited(headOnly, held)).toEqual(visited(kept, held));
    }
  });

  it("release(before) drops whole sealed blocks before it; the head, later entries and appends go on unchanged", () => {
    const seed = testSeed("auditLog.release");
    const [log] = sampleLogs(seed, 30, 4);
    const [twin] = sampleLogs(seed, 30, 4);
    const head = log.headHex;
    expect(log.release(0)).toBe(0);
    expect(log.heldBlocks).toBe(15);
    expect(log.release(10)).toBe(8); // blocks 0 and 1 (entries 0..7); entry 8 is in block 2
    expect(log.heldBlocks).toBe(13);
    expect(log.headHex).toBe(head);
    expect(visited(log, 8)).toEqual(visited(twin, 8));
    expect(() => log.visitEntries(7, () => {})).toThrow(/no longer held/);
    expect(() => blockBytes(log)).toThrow(/first 8 entries/);
    expect(log.release(5)).toBe(8); // never un-releases
    expect(log.release(log.count + 100)).toBe(Math.floor(log.count / 4) * 4); // only sealed blocks go
    expect(log.heldBlocks).toBe(0);
    const e: AuditEntry = { eventIndex: 99, timeNs: 99, call: "cancel_order", args: [1], result: 0 };
    log.append(e);
    twin.append(e);
    expect(log.headHex).toBe(twin.headHex);
    const from = log.release(0);
    expect(from).toBe(60);
    expect(visited(log, from)).toEqual(visited(twin, from)); // the open block with the new entry
  });

  it("the head of an open block is the hash it would seal with; appending more moves it", () => {
    const log = new AuditLog("open", 4);
    const e = (k: number): AuditEntry => ({ eventIndex: k, timeNs: k, call: "cancel_order", args: [k], result: 0 });
    const heads: string[] = [log.headHex];
    for (let k = 0; k < 9; k++) {
      log.append(e(k));
      heads.push(log.headHex);
      expect(log.headHex).toBe(heads[heads.length - 1]); // cached read: same answer
    }
    expect(new Set(heads).size).toBe(10);
    // A log that stops after entry 5 has the head the longer log showed then.
    const short = new AuditLog("open", 4);
    for (let k = 0; k < 6; k++) short.append(e(k));
    expect(short.headHex).toBe(heads[6]);
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
    const got = visited(log).map(decoded);
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

  it("grows its buffers past their first sizes without losing entries", () => {
    const log = new AuditLog("big");
    const detail = "x".repeat(500);
    for (let k = 0; k < 2_000; k++) log.append({ eventIndex: k, timeNs: k, call: "log", args: [1, 500], result: 0, detail });
    const es = visited(log);
    expect(es.length).toBe(2_000);
    expect(decoded(es[1_999])).toMatchObject({ seq: 1_999, eventIndex: 1_999, detail });
    expect(blockBytes(log).length).toBeGreaterThan(1_000_000);
  });

  it("rejects a label over 1024 bytes, and a block size outside 1..4096", () => {
    expect(() => new AuditLog("é".repeat(513))).toThrow("AuditLog: label must be at most 1024 bytes of UTF-8, got 1026");
    for (const b of [0, -1, 1.5, 4097, NaN]) expect(() => new AuditLog("x", b)).toThrow(/blockEntries must be an integer in 1\.\.4096/);
  });
});

describe("AuditLog chunks", () => {
  it("writeBlocks and visitEntries read the same entries whether the log is one chunk or many", () => {
    const seed = testSeed("audit chunks");
    const rnd = prng(seed);
    const log = new AuditLog("chunks");
    const appended: AuditEntry[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Some entries far bigger than a block's first buffer, and than a chunk's remaining room.
      const detail = rnd() < 0.1 ? "x".repeat(Math.floor(rnd() * (rnd() < 0.01 ? 200_000 : 3000))) : undefined;
      const e = { eventIndex: i, timeNs: i * 1000, call: "submit_order", args: [i, 1, 2, 3], result: i, detail };
      appended.push(e);
      log.append(e);
    }
    const all = blockBytes(log);
    expect(all.length).toBeGreaterThan(2 * 1024 * 1024); // several chunks
    const bs = blocks(log);
    // The chain holds across chunk boundaries.
    let prev: Uint8Array = Buffer.from(log.genesisHex, "hex");
    for (const b of bs) {
      const h = sha256(prev, b.frames);
      if (Buffer.compare(h, Buffer.from(b.hash)) !== 0) throw new Error(`seed ${seed}: chain broken`);
      prev = h;
    }
    expect(Buffer.from(prev).toString("hex")).toBe(log.headHex);
    const fromBlocks = bs.flatMap((b) => b.entries);
    expect(fromBlocks.length).toBe(20_000);
    // Any starting entry: visitEntries gives exactly the tail, in order.
    const starts = [0, 1, 63, 64, 65, 19_999, 20_000, ...Array.from({ length: 30 }, () => Math.floor(rnd() * 20_000))];
    for (const from of starts) {
      const tail = visited(log, from);
      expect(tail.length, `seed ${seed} from ${from}`).toBe(20_000 - from);
      tail.forEach((t, j) => {
        if (Buffer.compare(Buffer.from(t), Buffer.from(fromBlocks[from + j])) !== 0) throw new Error(`seed ${seed}: entry ${from + j} differs`);
      });
      if (tail.length > 0) {
        const d = decoded(tail[0]);
        expect(d).toMatchObject({ seq: from, eventIndex: from });
        expect(d.detail).toBe(appended[from].detail);
      }
    }
    expect(() => log.visitEntries(20_001, () => {})).toThrow(RangeError);
  });
});
