/**
 * scripts/buildStrategies.mjs (plain JS, used by scripts/build.mjs) and
 * host/compiler/compileStrategy.ts (`ringfence build`) must agree byte for
 * byte: they read the same asconfig.json and lay out the same virtual files.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildExampleStrategies, compileExampleStrategy, exampleStrategyNames } from "../../../scripts/buildStrategies.mjs";
import { repoRoot } from "../../support/dist.ts";
import { compileExample, EXAMPLES } from "../strategies/examples.ts";

const out = mkdtempSync(join(tmpdir(), "rf-examples-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("buildExampleStrategies", () => {
  it("finds every example folder, each with a README", () => {
    expect(exampleStrategyNames()).toEqual([...EXAMPLES].sort());
    for (const name of EXAMPLES) expect(existsSync(join(repoRoot, "strategies", name, "README.md")), name).toBe(true);
  });

  it("writes <name>.wasm with the same bytes as compileStrategy", async () => {
    const built: { name: string; path: string; bytes: number; sha256: string }[] = await buildExampleStrategies(out);
    expect(built.map((b) => b.name)).toEqual([...EXAMPLES].sort());
    for (const b of built) {
      const file = readFileSync(b.path);
      expect(b.path).toBe(join(out, `${b.name}.wasm`));
      expect(b.bytes).toBe(file.length);
      expect(b.sha256).toBe(createHash("sha256").update(file).digest("hex"));
      const expected = await compileExample(b.name as (typeof EXAMPLES)[number]);
      expect(file.equals(Buffer.from(expected)), b.name).toBe(true);
    }
  });

  it("agrees for the audit target too", async () => {
    const js: Uint8Array = await compileExampleStrategy("momentum", { target: "audit" });
    const ts = await compileExample("momentum", "audit");
    expect(Buffer.from(js).equals(Buffer.from(ts))).toBe(true);
  });
});
