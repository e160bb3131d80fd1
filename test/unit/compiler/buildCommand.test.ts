/**
 * `ringfence build`, run in process (the command module's run(), which
 * compiles in dist/compile.worker.mjs), and once as a person runs it for
 * the deadline.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultOutputPath, run } from "../../../host/cli/commands/build.ts";
import { InputError, UsageError } from "../../../host/cli/errors.ts";
import { compileStrategy } from "../../../host/compiler/compileStrategy.ts";
import { MAX_SOURCE_BYTES } from "../../../host/compiler/sourceReader.ts";
import { hasStackTrace, runCli } from "../../support/cli.ts";
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
    for (const t of ["0", "-1", "1.5", "soon", "2147484"]) {
      const err = await run(["x.ts", "-o", join(tmp, "x.wasm"), `--timeout=${t}`]).catch((e) => e);
      expect(err, t).toBeInstanceOf(UsageError);
      expect(err.message, t).toMatch(/^build: --timeout must be/);
    }
  });

  it("writes the bytes of an in-process compile, for every example strategy", async () => {
    const names = readdirSync(join(repoRoot, "strategies"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) {
      const entry = join(repoRoot, "strategies", name, "strategy.ts");
      const inProcess = await compileStrategy(entry);
      const out = join(tmp, "examples", `${name}.wasm`);
      stdout = [];
      expect(await run([entry, "-o", out]), name).toBe(0);
      expect(Buffer.compare(readFileSync(out), Buffer.from(inProcess.wasm)), name).toBe(0);
      expect(stdout.join(""), name).toContain(`sha256:${createHash("sha256").update(inProcess.wasm).digest("hex")}`);
    }
  });

  describe("--max-heap", () => {
    const entry = join(repoRoot, "strategies", "momentum", "strategy.ts");
    const LINE = "build failed: the compile ran out of memory (limit 16 MiB) and was stopped "
      + "(a very large source, or a type or expression nested thousands deep? raise --max-heap)";

    it("stops a compile past the worker's heap limit: one line, exit 1, nothing written", async () => {
      const out = join(tmp, "heap.wasm");
      const err = await run([entry, "-o", out, "--max-heap", "16"]).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.exitCode).toBe(1);
      expect(err.message).toBe(LINE);
      expect(existsSync(out)).toBe(false);
      expect(stdout).toEqual([]);
    });

    it("from the command line: exits 1 with one line on stderr", () => {
      const out = join(tmp, "heap-cli.wasm");
      const r = runCli(["build", entry, "-o", out, "--max-heap", "16"]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toBe(`ringfence: ${LINE}\n`);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(existsSync(out)).toBe(false);
    });

    it("must be a positive integer (usage, exit 2)", async () => {
      for (const h of ["0", "-1", "1.5", "lots"]) {
        const err = await run(["x.ts", "-o", join(tmp, "x.wasm"), `--max-heap=${h}`]).catch((e) => e);
        expect(err, h).toBeInstanceOf(UsageError);
        expect(err.message, h).toMatch(/^build: --max-heap must be an integer/);
      }
    });
  });

  describe("--timeout", () => {
    // 1 MiB of straight-line statements in one function: minutes of asc
    // (parse, then Binaryen over one enormous function), far past 1 s.
    const dir = join(tmp, "slow");
    const entry = join(dir, "strategy.ts");
    beforeEach(() => {
      mkdirSync(dir, { recursive: true });
      const head = 'import { logLine } from "ringfence";\nexport * from "ringfence/exports";\nexport function rf_start(): void {\n  let v0: i64 = 1;\n';
      const tail = "  logLine().int(v0).info();\n}\n";
      const lines: string[] = [];
      let bytes = head.length + tail.length;
      for (let i = 1; ; i++) {
        const line = `  let v${i}: i64 = v${i - 1} * 3 + ${i};\n`;
        if (bytes + line.length > MAX_SOURCE_BYTES) break;
        lines.push(line);
        bytes += line.length;
      }
      writeFileSync(entry, head + lines.join("") + tail);
    });

    it("stops a compile past the deadline: one line, exit 1, nothing written", async () => {
      const out = join(tmp, "slow.wasm");
      const err = await run([entry, "-o", out, "--timeout", "1"]).catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.exitCode).toBe(1);
      expect(err.message).toBe("build failed: the compile took longer than 1 s and was stopped (a very large source? raise --timeout)");
      expect(existsSync(out)).toBe(false);
      expect(stdout).toEqual([]);
    });

    it("from the command line: exits 1 with one line on stderr", () => {
      const out = join(tmp, "slow-cli.wasm");
      const r = runCli(["build", entry, "-o", out, "--timeout", "1"]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toBe("ringfence: build failed: the compile took longer than 1 s and was stopped (a very large source? raise --timeout)\n");
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stdout).toBe("");
      expect(existsSync(out)).toBe(false);
    });
  });
});
