/**
 * Sources that break the compiler rather than the rules: asc crashes (a
 * stack overflow in its compile stage) and Binaryen memory that grows far
 * outside V8's heap limits. Each must end in a one-line CompileError, with
 * the process alive (asc's crash handler calls process.exit) and the next
 * compile unaffected.
 */
import { describe, expect, it } from "vitest";
import { compileStrategySource } from "../../../host/compiler/compileStrategy.ts";
import { compileError } from "./compileErrorOf.ts";

const HEADER = 'export * from "ringfence/exports";\nlet g: i32 = 0;\n';
const MINIMAL = 'import { log } from "ringfence";\nexport * from "ringfence/exports";\nexport function rf_start(): void { log("hi"); }\n';


/** f_depth inlines f_(depth-1) twice: 2^depth copies of f0, built by asc and Binaryen in memory. */
function inlineChain(depth: number): string {
  let s = HEADER + "@inline function f0(x: i32): i32 { return x * 3 + 1; }\n";
  for (let i = 1; i <= depth; i++) s += `@inline function f${i}(x: i32): i32 { return f${i - 1}(f${i - 1}(x)); }\n`;
  return s + `export function rf_start(): void { g = f${depth}(g); }\n`;
}

describe("compiler limits", () => {
  it("an expression nested too deeply for asc's compile stage is one line, not a crash that exits the process", async () => {
    // 20 000 terms: asc parses it, then overflows the stack compiling it and would call process.exit(1).
    const deep = `${HEADER}export function rf_start(): void { g = ${Array(20_000).fill("g").join(" + ")}; }\n`;
    const err = await compileError(compileStrategySource(deep, "deep"));
    expect(err.message).toBe("error: the source is nested too deeply for the compiler "
      + "(an expression, block or generic type thousands of levels deep?): split it up");
    expect(err.limit).toBeNull();
    // The process is alive and asc still works.
    const ok = await compileStrategySource(MINIMAL, "after");
    expect(ok.wasm.length).toBeGreaterThan(0);
  });

  it("a generic that instantiates itself without end is the same one line", async () => {
    const recursive = `${HEADER}function f<T>(n: i32): i32 { if (n <= 0) return 0; return f<StaticArray<T>>(n - 1); }\n`
      + "export function rf_start(): void { g = f<i32>(3); }\n";
    const err = await compileError(compileStrategySource(recursive, "generic"));
    expect(err.message).toMatch(/^error: the source is nested too deeply for the compiler/);
  });

  it("stops a compile whose Binaryen memory grows past maxCompilerMemoryMb", async () => {
    // Depth 12 grows Binaryen's memory by ~600 MiB (and compiles, given time and memory).
    const err = await compileError(compileStrategySource(inlineChain(12), "bomb", { maxCompilerMemoryMb: 64 }));
    expect(err.limit).toBe("memory");
    expect(err.message).toBe("error: the compile needed more than 64 MiB of compiler memory and was stopped "
      + "(a very large function, a long chain of @inline calls or big static data?)");
    const ok = await compileStrategySource(MINIMAL, "after", { maxCompilerMemoryMb: 64 });
    expect(ok.wasm.length).toBeGreaterThan(0);
  });

  it("refuses a cap that is not a positive integer, naming the option", async () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await expect(compileStrategySource(MINIMAL, "x", { maxCompilerMemoryMb: bad })).rejects.toThrow(/^maxCompilerMemoryMb=.* must be a positive integer$/);
    }
  });
});
