/**
 * runContained: asc's crash path (banner on console.error, then
 * process.exit) becomes a thrown CompilerCrash; wasm memory growth past the
 * cap is refused; everything else passes through, and the hooks are gone
 * afterwards.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CompilerCrash, runContained } from "../../../host/compiler/ascContainment.ts";

const MIB = 2 ** 20;
// What asc's crash handler prints (--noColors), abridged.
const BANNER = "\n▌ Whoops, the AssemblyScript compiler has crashed during compile :-(\n▌ \n"
  + "▌ Here is the stack trace hinting at the problem, perhaps it's useful?\n▌ \n"
  + "▌ RangeError: Maximum call stack size exceeded\n▌     at t.compileExpression (asc.js:1:2)\n▌ Thank you!\n";

afterEach(() => vi.restoreAllMocks());

describe("runContained", () => {
  it("turns asc's banner-then-exit into a CompilerCrash and prints nothing", async () => {
    const printed = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = await runContained(MIB, async () => {
      console.error(BANNER);
      process.exit(1);
    }).catch((e) => e);
    expect(err).toBeInstanceOf(CompilerCrash);
    expect(err).toMatchObject({ stage: "compile", detail: "RangeError: Maximum call stack size exceeded", memoryCapHit: false });
    expect(err.message).toBe("the compiler crashed during compile (RangeError: Maximum call stack size exceeded)");
    expect(printed).not.toHaveBeenCalled();
  });

  it("a banner without a stack trace has no detail", async () => {
    const err = await runContained(MIB, async () => {
      console.error("▌ Whoops, the AssemblyScript compiler has crashed during optimize :-(\n▌ > undefined\n");
      process.exit(1);
    }).catch((e) => e);
    expect(err).toMatchObject({ stage: "optimize", detail: null });
  });

  it("lets other console.error calls and exits through, and restores the hooks", async () => {
    const printed = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const realExit = process.exit;
    const realError = console.error;
    const realGrow = WebAssembly.Memory.prototype.grow;
    await runContained(MIB, async () => { console.error("an ordinary message", 42); });
    expect(printed).toHaveBeenCalledWith("an ordinary message", 42);
    // vitest's own process.exit guard answers a pass-through exit by throwing.
    await expect(runContained(MIB, async () => { process.exit(3); })).rejects.not.toBeInstanceOf(CompilerCrash);
    expect(process.exit).toBe(realExit);
    expect(console.error).toBe(realError);
    expect(WebAssembly.Memory.prototype.grow).toBe(realGrow);
  });

  it("refuses growth past the cap, counted from the memory's size at its first growth", async () => {
    const memory = new WebAssembly.Memory({ initial: 4 });
    await runContained(2 * 65536, async () => {
      expect(memory.grow(1)).toBe(4);
      expect(memory.grow(1)).toBe(5);
      expect(() => memory.grow(1)).toThrow(RangeError);
    });
    expect(memory.grow(1)).toBe(6); // outside the window: no cap
  });

  it("reports the cap when a refused growth ends the run", async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const err = await runContained(65536, async () => {
      try { memory.grow(2); } catch { /* what Binaryen's allocator does: report failure, then crash */ }
      console.error("▌ Whoops, the AssemblyScript compiler has crashed during optimize :-(\n▌ > undefined\n");
      process.exit(1);
    }).catch((e) => e);
    expect(err).toMatchObject({ stage: "optimize", memoryCapHit: true });
  });
});
