/**
 * Uploaded AssemblyScript that breaks the compiler rather than the rules,
 * through the service: each is a 422 with one clear line, never "the
 * compile worker exited" and never gigabytes of Binaryen memory in the
 * service's process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_COMPILE_LIMITS } from "../../host/service/compile/compileRunner.ts";
import { api, startHarness, type Harness } from "./support/serviceHarness.ts";
import { hasStackTrace } from "../support/cli.ts";

const HEADER = 'export * from "ringfence/exports";\nlet g: i32 = 0;\n';

let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness({ compile: { ...DEFAULT_COMPILE_LIMITS, maxCompilerMemoryMb: 64 } });
  key = await h.key("acme", "quant");
});
afterAll(async () => {
  await h?.dispose();
});

async function upload(source: string, name: string) {
  const r = await api(h.url, "POST", "/v1/strategies", key, { source, name });
  expect(r.body.error.message).not.toContain("\n");
  expect(hasStackTrace(r.text)).toBe(false);
  return r;
}

describe("service compiles that break the compiler", () => {
  it("a source nested too deeply for asc is a compile_error that says so", async () => {
    const r = await upload(`${HEADER}export function rf_start(): void { g = ${Array(20_000).fill("g").join(" + ")}; }\n`, "deep");
    expect(r.status, r.text).toBe(422);
    expect(r.body.error.code).toBe("compile_error");
    expect(r.body.error.message).toMatch(/^error: the source is nested too deeply for the compiler/);
  });

  it("a source whose compile balloons Binaryen's memory is a compile_memory stopped at the cap", async () => {
    let source = HEADER + "@inline function f0(x: i32): i32 { return x * 3 + 1; }\n";
    for (let i = 1; i <= 12; i++) source += `@inline function f${i}(x: i32): i32 { return f${i - 1}(f${i - 1}(x)); }\n`;
    const r = await upload(`${source}export function rf_start(): void { g = f12(g); }\n`, "bomb");
    expect(r.status, r.text).toBe(422);
    expect(r.body.error.code).toBe("compile_memory");
    expect(r.body.error.message).toMatch(/^error: the compile needed more than 64 MiB of compiler memory and was stopped/);
  });
});
