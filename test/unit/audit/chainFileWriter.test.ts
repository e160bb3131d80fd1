// ChainFileWriter: a chain streamed to its file while it grows (a recorded
// live strategy) writes the same bytes as writeAuditFile([log]) of the whole
// chain, while the log holds nothing it has drained.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChainFileWriter, encodeAuditFile, verifyAuditBytes } from "../../../host/audit/auditFile.ts";
import { AuditLog } from "../../../host/audit/auditLog.ts";
import { prng, randInt, testSeed } from "../../support/seed.ts";

const dir = mkdtempSync(join(tmpdir(), "rf-chain-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ChainFileWriter", () => {
  it("drained at random points, the file is byte for byte the whole chain's, and the log holds no drained block", () => {
    const rand = prng(testSeed("chainFileWriter"));
    for (let round = 0; round < 20; round++) {
      const blockEntries = randInt(rand, 1, 16);
      const entries = randInt(rand, 0, 600);
      const label = `strategy:${round}`;
      const whole = new AuditLog(label, blockEntries);
      const streamed = new AuditLog(label, blockEntries);
      const path = join(dir, `r${round}.audit`);
      const writer = new ChainFileWriter(path, streamed);
      let maxHeld = 0;
      for (let i = 0; i < entries; i++) {
        const e = { eventIndex: i, timeNs: i * 7, call: i % 3 === 0 ? "log" : "submit_order", args: [i, randInt(rand, -5, 5)], result: i % 5, detail: i % 3 === 0 ? "x".repeat(randInt(rand, 0, 40)) : undefined };
        whole.append(e);
        streamed.append(e);
        if (rand() < 0.05) {
          writer.drain();
          expect(streamed.heldBlocks).toBe(0);
        }
        maxHeld = Math.max(maxHeld, streamed.heldBlocks);
      }
      writer.finish();
      const bytes = new Uint8Array(readFileSync(path));
      expect(bytes).toEqual(encodeAuditFile([whole]));
      expect(verifyAuditBytes(bytes).ok).toBe(true);
      expect(streamed.headHex).toBe(whole.headHex);
      if (entries > 200 * blockEntries) expect(maxHeld).toBeLessThan(whole.heldBlocks);
    }
  });

  it("refuses a path that exists rather than write over it", () => {
    const path = join(dir, "taken.audit");
    new ChainFileWriter(path, new AuditLog("a")).finish();
    expect(() => new ChainFileWriter(path, new AuditLog("a"))).toThrow(/EEXIST/);
  });
});
