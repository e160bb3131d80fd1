import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, truncateSync, writeFileSync, closeSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ADMISSION_LIMITS } from "../../../host/admission/limits.ts";
import { minimalStrategyWat, strategyWat, wat } from "../../fixtures/wat.ts";
import { hasStackTrace, runCli, type CliResult } from "../../support/cli.ts";
import { prng, testSeed } from "../../support/seed.ts";

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rf-verify-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function verify(...args: string[]): CliResult {
  const r = runCli(["verify", ...args]);
  // Bad input must never show a stack trace, whatever the outcome.
  expect(hasStackTrace(r.stderr), r.stderr).toBe(false);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return r;
}

function write(name: string, bytes: Uint8Array): string {
  writeFileSync(file(name), bytes);
  return file(name);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("ringfence verify", () => {
  it("admits the minimal ABI module: exit 0, `admitted <codeId>` on stdout, nothing on stderr", () => {
    const bytes = wat(minimalStrategyWat);
    const r = verify(write("good.wasm", bytes));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`admitted ${sha256(bytes)}\n`);
    expect(r.stderr).toBe("");
  });

  it("prints notes of an admitted module", () => {
    const path = write("nomax.wasm", wat(strategyWat({ memory: `(memory (export "memory") 1)` })));
    const r = verify(path);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("note: memory maximum imposed: 256 pages\n");
  });

  it("rejects with exit 1 and one `code: message` line per reason on stderr", () => {
    const path = write("bad.wasm", wat(strategyWat({
      imports: `(import "env" "seed" (func (result f64)))`,
      omitExports: ["rf_on_timer"],
    })));
    const r = verify(path);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toEqual([
      `import_namespace: import env.seed is outside the "ringfence" namespace, the only one a module may import from`,
      "missing_export: missing export rf_on_timer: expected a function () -> ()",
      "",
    ]);
  });

  it("--json prints exactly admitted, codeId, reasons and notes", () => {
    const badBytes = wat(strategyWat({ omitExports: ["rf_stop"] }));
    const bad = verify(write("bad-json.wasm", badBytes), "--json");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("");
    const parsed = JSON.parse(bad.stdout);
    expect(Object.keys(parsed)).toEqual(["admitted", "codeId", "reasons", "notes"]);
    expect(parsed).toEqual({
      admitted: false,
      codeId: sha256(badBytes),
      reasons: [{ code: "missing_export", message: "missing export rf_stop: expected a function () -> ()" }],
      notes: [],
    });

    const goodBytes = wat(minimalStrategyWat);
    const good = verify("--json", write("good-json.wasm", goodBytes));
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({ admitted: true, codeId: sha256(goodBytes), reasons: [], notes: [] });
  });

  it("an empty file is one line, exit 1", () => {
    const r = verify(write("empty.wasm", new Uint8Array(0)));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("empty_module: module is empty (0 bytes)\n");
  });

  it("random bytes are one line, exit 1", () => {
    const seed = testSeed("verify cli random bytes");
    const rand = prng(seed);
    const bytes = new Uint8Array(4096).map(() => Math.floor(rand() * 256));
    bytes[0] = 0x7f; // never the wasm magic's 0x00, so the expected reason is certain
    const r = verify(write("random.wasm", bytes));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^not_wasm: not a wasm module: starts with 7f [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2}, expected 00 61 73 6d \("\\0asm"\)\n$/);
  });

  it("a truncated valid module is one line, exit 1", () => {
    const bytes = wat(minimalStrategyWat);
    const r = verify(write("truncated.wasm", bytes.subarray(0, bytes.length - 10)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^truncated: module is truncated: the code section at byte \d+ declares \d+ bytes, only \d+ remain\n$/);
  });

  it("a directory is one line, exit 1, also with --json (nothing on stdout)", () => {
    for (const args of [[dir], [dir, "--json"]]) {
      const r = verify(...args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`ringfence: module '${dir}' is a directory, expected a file\n`);
    }
  });

  it("a missing file is one line, exit 1, also with --json", () => {
    for (const args of [[file("nope.wasm")], ["--json", file("nope.wasm")]]) {
      const r = verify(...args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`ringfence: module '${file("nope.wasm")}' does not exist\n`);
    }
  });

  it("a file over maxModuleBytes is refused before it is read", () => {
    const path = file("huge.wasm");
    closeSync(openSync(path, "w"));
    const size = DEFAULT_ADMISSION_LIMITS.maxModuleBytes + 1;
    truncateSync(path, size); // sparse: costs no disk
    const r = verify(path);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ringfence: module '${path}' is ${size} bytes, over the ${DEFAULT_ADMISSION_LIMITS.maxModuleBytes}-byte limit\n`);
  });

  it("usage errors exit 2", () => {
    for (const args of [[], ["a.wasm", "b.wasm"], ["--bogus", "a.wasm"]]) {
      const r = verify(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^ringfence: verify: .+\n$/);
    }
  });
});
