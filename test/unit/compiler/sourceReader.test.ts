import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VIRTUAL_CONFIG_NAME } from "../../../host/compiler/ascOptions.ts";
import { createSourceReader, MAX_SOURCE_BYTES } from "../../../host/compiler/sourceReader.ts";
import { repoRoot } from "../../support/dist.ts";

const tmp = mkdtempSync(join(tmpdir(), "rf-reader-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const strategyDir = join(tmp, "strat");
mkdirSync(join(strategyDir, "lib"), { recursive: true });
writeFileSync(join(strategyDir, "strategy.ts"), "// entry\n");
writeFileSync(join(strategyDir, "lib", "helper.ts"), "// helper\n");
writeFileSync(join(strategyDir, "notes.txt"), "not a source\n");
writeFileSync(join(tmp, "outside.ts"), "// outside the strategy\n");
symlinkSync(join(tmp, "outside.ts"), join(strategyDir, "link.ts"));
symlinkSync(join(repoRoot, "host"), join(strategyDir, "hostlink"));
writeFileSync(join(strategyDir, "huge.ts"), "x".repeat(MAX_SOURCE_BYTES + 1));

const sdkDir = join(repoRoot, "assembly");

describe("createSourceReader", () => {
  const reader = createSourceReader({ sdkDir, configText: "{}", strategyDir });

  it("serves the strategy's own files, the SDK and the config", () => {
    expect(reader.read("strategy/strategy.ts")).toBe("// entry\n");
    expect(reader.read("strategy/lib/helper.ts")).toBe("// helper\n");
    expect(reader.read("node_modules/ringfence/index.ts")).toContain("ringfence strategy SDK");
    expect(reader.read("../../node_modules/ringfence/abi.ts")).toContain("ABI_VERSION");
    expect(reader.read(VIRTUAL_CONFIG_NAME)).toBe("{}");
    expect(reader.served.get("~lib/ringfence/abi.ts")?.displayPath).toBe(join(sdkDir, "abi.ts"));
    expect(reader.refused).toEqual([]);
  });

  it("refuses everything outside the two roots", () => {
    const attempts = [
      "/etc/passwd",
      "../outside.ts",
      "strategy/../outside.ts",
      "strategy/lib/../../outside.ts",
      "strategy/./strategy.ts",
      "strategy//strategy.ts",
      "strategy/link.ts", // symlink out of the directory
      "strategy/hostlink/cli/main.ts", // symlinked directory out of it
      "strategy/notes.txt",
      "strategy/huge.ts",
      "strategy\\..\\outside.ts",
      "node_modules/ringfence/../../host/cli/main.ts",
      "node_modules/other/index.ts",
      "node_modules/ringfence/..%2f..%2fhost.ts",
      "asconfig.json",
      "package.json",
    ];
    for (const p of attempts) expect(reader.read(p), p).toBeNull();
    expect(reader.refused).toEqual(attempts);
    // Files that are there get a reason: asc itself can only say "not found".
    expect(Object.fromEntries(reader.refusedWhy)).toEqual({
      "strategy/link.ts": "it is a symlink that leads out of the directory",
      "strategy/hostlink/cli/main.ts": "it is a symlink that leads out of the directory",
      "strategy/huge.ts": `it is ${MAX_SOURCE_BYTES + 1} bytes, over the ${MAX_SOURCE_BYTES}-byte limit for a source file`,
    });
  });

  it("treats asc's nested node_modules probes as plain misses", () => {
    const r = createSourceReader({ sdkDir, configText: "{}", strategyDir });
    expect(r.read("node_modules/ringfence/node_modules/ringfence/abi.ts")).toBeNull();
    expect(r.read("strategy/missing.ts")).toBeNull();
    expect(r.refused).toEqual([]);
  });

  it("serves an uploaded source and nothing else from the strategy root", () => {
    const r = createSourceReader({ sdkDir, configText: "{}", strategySources: new Map([["strategy/up.ts", "// up\n"]]) });
    expect(r.read("strategy/up.ts")).toBe("// up\n");
    expect(r.served.get("strategy/up.ts")?.displayPath).toBe("<upload>/up.ts");
    expect(r.read("strategy/strategy.ts")).toBeNull();
  });
});
