/** `ringfence build`, run in process (the command module's run()). */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultOutputPath, run } from "../../../host/cli/commands/build.ts";
import { InputError, UsageError } from "../../../host/cli/errors.ts";
import { repoRoot } from "../../support/dist.ts";

const tmp = mkdtempSync(join(tmpdir(), "rf-build-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let stdout: string[];
let stderr: string[];
beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => { stdout.push(String(s)); return true; });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => { stderr.push(String(s)); return true; });
});
afterEach(() => vi.restoreAllMocks());

describe("ringfence build", () => {
  it("defaults to build/<folder>.wasm for strategy.ts and build/<file>.wasm otherwise", () => {
    expect(defaultOutputPath("strategies/momentum/strategy.ts", "/w")).toBe("/w/build/momentum.wasm");
    expect(defaultOutputPath("algos/my_algo.ts", "/w")).toBe("/w/build/my_algo.wasm");
  });

  it("writes the module and prints path, size and sha256 on one line", async () => {
    const out = join(tmp, "out", "mm.wasm");
    const code = await run([join(repoRoot, "strategies", "market-maker", "strategy.ts"), "-o", out]);
    expect(code).toBe(0);
    const wasm = readFileSync(out);
    const sha = createHash("sha256").update(wasm).digest("hex");
    expect(stdout.join("")).toBe(`${out} ${wasm.length} bytes sha256:${sha}\n`);
    expect(WebAssembly.validate(wasm)).toBe(true);
  });

  it("a compile error: diagnostics to stderr, one-line InputError (exit 1)", async () => {
    const dir = join(tmp, "bad");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "strategy.ts"), 'export * from "ringfence/exports";\nexport function rf_start(): void { a(); b(); }\n');
    const err = await run([join(dir, "strategy.ts"), "-o", join(tmp, "bad.wasm")]).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/^build failed: .*strategy\.ts:2:36: error TS2304: Cannot find name 'a'\. \(and 1 more\)$/);
    expect(stderr.join("").trim().split("\n")).toHaveLength(2);
  });

  it("prints paths made printable, and names no output after a folder that is not a strategy name", async () => {
    // A directory may be named with anything: an escape sequence, a bidi override.
    const dir = join(tmp, "esc\x1b[2J\u202e");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "strategy.ts"), 'export * from "ringfence/exports";\n');
    expect(await run([join(dir, "strategy.ts"), "-o", join(dir, "out.wasm")])).toBe(0);
    expect(stdout.join("")).toMatch(/esc\\x1b\[2J\\u202e\/out\.wasm \d+ bytes sha256:[0-9a-f]{64}\n$/);

    const err = await run([join(dir, "strategy.ts")]).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe("build: cannot name the output after 'esc\\x1b[2J\\u202e' (not letters, digits, '_' or '-'): give it with -o <out.wasm>");
    const bad = await run([join(dir, "strategy.ts"), "-o", join(dir, "x\x1b[31m.bin")]).catch((e) => e);
    expect(bad.message).toMatch(/^build: --out must end in \.wasm, got '.*x\\x1b\[31m\.bin'$/);
    for (const m of [...stdout, ...stderr, err.message, bad.message]) expect(m).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/);
  });

  it("usage errors exit 2", async () => {
    await expect(run([])).rejects.toBeInstanceOf(UsageError);
    await expect(run(["x.js"])).rejects.toBeInstanceOf(UsageError);
    await expect(run(["x.ts", "-o", "x.bin"])).rejects.toBeInstanceOf(UsageError);
    await expect(run(["x.ts", "--bogus"])).rejects.toBeInstanceOf(UsageError);
  });
});
