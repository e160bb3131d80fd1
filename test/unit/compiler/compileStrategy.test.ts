import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileStrategy, compileStrategySource } from "../../../host/compiler/compileStrategy.ts";
import { compileError } from "./compileErrorOf.ts";
import { MAX_SOURCE_BYTES } from "../../../host/compiler/sourceReader.ts";
import { repoRoot } from "../../support/dist.ts";

const tmp = mkdtempSync(join(tmpdir(), "rf-compile-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const momentum = join(repoRoot, "strategies", "momentum", "strategy.ts");

function strategyDir(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}


const MINIMAL = 'import { log } from "ringfence";\nexport * from "ringfence/exports";\nexport function rf_start(): void { log("hi"); }\n';

describe("compileStrategy", () => {
  it("is deterministic: the same source gives the same bytes, wherever it lives", async () => {
    const a = await compileStrategy(momentum);
    const b = await compileStrategy(momentum);
    expect(Buffer.from(b.wasm).equals(Buffer.from(a.wasm))).toBe(true);
    // Another directory, and the upload path: the same bytes (no real paths are embedded).
    const copy = join(tmp, "elsewhere", "deeper");
    cpSync(join(repoRoot, "strategies", "momentum"), copy, { recursive: true });
    const c = await compileStrategy(join(copy, "strategy.ts"));
    const d = await compileStrategySource(readFileSync(momentum, "utf8"), "strategy");
    expect(Buffer.from(c.wasm).equals(Buffer.from(a.wasm))).toBe(true);
    expect(Buffer.from(d.wasm).equals(Buffer.from(a.wasm))).toBe(true);
    expect(a.diagnostics).toEqual([]);
  });

  it("compiles a strategy split over files in its own directory", async () => {
    const dir = strategyDir("split", {
      "strategy.ts": 'import { greet } from "./lib/greet";\nexport * from "ringfence/exports";\nexport function rf_start(): void { greet(); }\n',
    });
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib", "greet.ts"), 'import { log } from "ringfence";\nexport function greet(): void { log("hi"); }\n');
    const r = await compileStrategy(join(dir, "strategy.ts"));
    const mod = new WebAssembly.Module(r.wasm);
    expect(WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`)).toContain("ringfence.log");
  });

  it("a compile error is one summary line with file:line:col, plus every diagnostic", async () => {
    const dir = strategyDir("broken", {
      "strategy.ts": 'export * from "ringfence/exports";\n\nexport function rf_start(): void {\n  let x: i32 = 1.5;\n  nope();\n}\n',
    });
    const err = await compileError(compileStrategy(join(dir, "strategy.ts")));
    expect(err.message).not.toContain("\n");
    expect(err.message).toMatch(/broken\/strategy\.ts:4:16: error AS200: Conversion from type 'f64' to 'i32' requires an explicit cast\. \(and 1 more\)$/);
    expect(err.diagnostics).toHaveLength(2);
    expect(err.diagnostics[1]).toMatch(/broken\/strategy\.ts:5:3: error TS2304: Cannot find name 'nope'\.$/);
  });

  it("refuses imports from outside the strategy's directory and names the rule", async () => {
    strategyDir("secret", { "secret.ts": "export const KEY: i32 = 42;\n" });
    const dir = strategyDir("escape", {
      "strategy.ts": 'import { KEY } from "../secret/secret";\nexport * from "ringfence/exports";\nexport function rf_start(): void { if (KEY == 1) unreachable(); }\n',
    });
    const err = await compileError(compileStrategy(join(dir, "strategy.ts")));
    expect(err.message).toMatch(/escape\/strategy\.ts:1:21: error TS6054: .*not found.*strategies may import only files in their own directory and "ringfence"/);
  });

  it("turns ABI slips into build errors that say what to change", async () => {
    const random = await compileError(compileStrategySource(
      'export * from "ringfence/exports";\nexport function rf_on_market(): void { if (Math.random() > 2.0) unreachable(); }\n', "random"));
    expect(random.message).toContain("module imports env.seed");
    expect(random.message).toContain("Math.random is not available");

    const typo = await compileError(compileStrategySource('export * from "ringfence/exports";\nexport function rf_on_markt(): void {}\n', "typo"));
    expect(typo.message).toContain("module exports 'rf_on_markt', which is not part of guest ABI v1");

    const bare = await compileError(compileStrategySource("export function rf_start(): void {}\n", "bare"));
    expect(bare.diagnostics.join("\n")).toContain('add `export * from "ringfence/exports";`');

    const sig = await compileError(compileStrategySource('export * from "ringfence/exports";\nexport function rf_on_order(x: i32): void {}\n', "sig"));
    expect(sig.message).toContain("export 'rf_on_order' must be a function () -> ()");
  });

  it("import names chosen with @external are shown escaped: no control, bidi or newline reaches the output", async () => {
    const err = await compileError(compileStrategySource([
      'export * from "ringfence/exports";',
      '@external("env\\n\\x1b[31m", "now") declare function a(): void;',
      '@external("ringfence", "log\\x1b[2J\\u202e") declare function b(x: i32): i32;',
      "export function rf_start(): void { a(); b(1); }",
    ].join("\n"), "names"));
    expect(err.diagnostics).toEqual([
      "<upload>/names.ts: error: module imports ringfence.log\\x1b[2J\\u202e, which is not a ringfence host call (see host/abi/callTable.ts)",
      "<upload>/names.ts: error: module imports env\\n\\x1b[31m.now; only 'ringfence' host calls may be imported",
    ]);
    expect(err.message).toMatch(/^[\x20-\x7e]+$/);
  });

  it("an uploaded source can import nothing but the SDK", async () => {
    const err = await compileError(compileStrategySource(
      'import { x } from "./helper";\nexport * from "ringfence/exports";\nexport function rf_start(): void { x(); }\n', "upload"));
    expect(err.message).toContain("<upload>/upload.ts:1:19");
    const ok = await compileStrategySource(MINIMAL, "upload");
    expect(ok.wasm.length).toBeGreaterThan(0);
  });

  it("a source over the 1 MiB limit is refused with its size, not as 'not found'", async () => {
    const big = `export * from "ringfence/exports";\n// ${"x".repeat(MAX_SOURCE_BYTES)}\n`;
    const bytes = Buffer.byteLength(big);
    const dir = strategyDir("big", { "strategy.ts": big });
    const entry = await compileError(compileStrategy(join(dir, "strategy.ts")));
    expect(entry.message).toMatch(new RegExp(`big/strategy\\.ts: it is ${bytes} bytes, over the ${MAX_SOURCE_BYTES}-byte limit for a source file$`));
    const upload = await compileError(compileStrategySource(big, "big"));
    expect(upload.message).toBe(`<upload>/big.ts: it is ${bytes} bytes, over the ${MAX_SOURCE_BYTES}-byte limit for a source file`);

    const importer = strategyDir("imports-big", {
      "strategy.ts": 'import "./lib/big";\nimport "./lib/out";\nexport * from "ringfence/exports";\n',
    });
    mkdirSync(join(importer, "lib"));
    writeFileSync(join(importer, "lib", "big.ts"), big);
    symlinkSync(join(dir, "strategy.ts"), join(importer, "lib", "out.ts"));
    const imported = await compileError(compileStrategy(join(importer, "strategy.ts")));
    expect(imported.diagnostics).toEqual([
      expect.stringMatching(new RegExp(`strategy\\.ts:1:8: error TS6054: File 'strategy/lib/big\\.ts' cannot be imported: it is ${bytes} bytes, over the ${MAX_SOURCE_BYTES}-byte limit for a source file\\.$`)),
      expect.stringMatching(/strategy\.ts:2:8: error TS6054: File 'strategy\/lib\/out\.ts' cannot be imported: it is a symlink that leads out of the directory\.$/),
    ]);
    expect(imported.message).toMatch(/source file\. \(and 1 more\)$/);
  });

  it("rejects bad names and missing files with one line", async () => {
    for (const name of ["", "../x", "a/b", "x.ts", "-x", "a".repeat(65)]) {
      const err = await compileError(compileStrategySource(MINIMAL, name));
      expect(err.message).toMatch(/^strategy name '.*' must be/);
    }
    const missing = await compileError(compileStrategy(join(tmp, "nope", "strategy.ts")));
    expect(missing.message).toMatch(/strategy\.ts: no such file$/);
    const notTs = await compileError(compileStrategy(join(tmp, "x.js")));
    expect(notTs.message).toContain("must be a .ts file");
  });
});
