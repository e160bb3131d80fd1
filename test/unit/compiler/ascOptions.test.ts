import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ABORT_ALIAS, ALLOWED_WASM_FEATURES, ascArgv, FORBIDDEN_WASM_FEATURES, loadAscConfig, parseAscConfig, VIRTUAL_CONFIG_NAME,
} from "../../../host/compiler/ascOptions.ts";
import { repoRoot } from "../../support/dist.ts";

const realText = readFileSync(join(repoRoot, "asconfig.json"), "utf8");
const real = JSON.parse(realText);

function variant(mutate: (c: any) => void): string {
  const c = structuredClone(real);
  mutate(c);
  return JSON.stringify(c);
}

describe("asconfig.json through ascOptions", () => {
  it("the repository's asconfig.json passes and is what asc is given", () => {
    const cfg = loadAscConfig(repoRoot);
    expect(cfg.configText).toBe(realText);
    expect(cfg.targets.release.runtime).toBe("incremental");
    expect(cfg.targets.audit.runtime).toBe("stub");
    expect(cfg.options.use).toEqual([ABORT_ALIAS]);
    expect(ascArgv("strategy/x.ts")).toEqual(["strategy/x.ts", "--config", VIRTUAL_CONFIG_NAME, "--target", "release", "--outFile", "strategy.wasm", "--noColors"]);
  });

  it("the feature lists do not overlap", () => {
    for (const f of FORBIDDEN_WASM_FEATURES) expect(ALLOWED_WASM_FEATURES as readonly string[]).not.toContain(f);
  });

  const bad: [string, (c: any) => void, RegExp][] = [
    ["enabling SIMD", (c) => { c.options.enable = ["simd"]; }, /options\.enable is not allowed/],
    ["not disabling threads", (c) => { c.options.disable = c.options.disable.filter((f: string) => f !== "threads"); }, /options\.disable has a value/],
    ["a runtime outside incremental/stub", (c) => { c.targets.release.runtime = "minimal"; }, /targets\.release\.runtime has a value/],
    ["a missing runtime", (c) => { delete c.targets.audit.runtime; }, /targets\.audit\.runtime must be set/],
    ["bindings", (c) => { c.options.bindings = ["esm"]; }, /options\.bindings is not allowed/],
    ["a different abort", (c) => { c.options.use = ["abort="]; }, /options\.use has a value/],
    ["no abort alias", (c) => { delete c.options.use; }, /options\.use must be/],
    ["debug names", (c) => { c.targets.release.debug = true; }, /targets\.release\.debug has a value/],
    ["an exported runtime", (c) => { c.options.exportRuntime = true; }, /options\.exportRuntime has a value/],
    ["an unknown target", (c) => { c.targets.debug = {}; }, /target 'debug' is unknown/],
    ["extends", (c) => { c.extends = "./other.json"; }, /top-level key 'extends' is not allowed/],
    ["imported memory", (c) => { c.options.importMemory = true; }, /options\.importMemory is not allowed/],
  ];
  for (const [what, mutate, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => parseAscConfig(variant(mutate))).toThrow(message);
    });
  }

  it("rejects text that is not JSON, in one line", () => {
    expect(() => parseAscConfig("{", "cfg")).toThrow(/^cfg: not valid JSON/);
  });
});
