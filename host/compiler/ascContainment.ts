/**
 * Runs one asc compile with its two escape hatches closed:
 *
 * - asc's crash handler. A throw in asc's initialize, compile, optimize or
 *   emit stage (a stack overflow on a deeply nested expression or a
 *   recursive generic, Binaryen out of memory) prints a banner with a stack
 *   trace through console.error and calls process.exit(1): the CLI would die
 *   with the banner instead of one line, and an in-process caller would die
 *   with it. While asc runs, the banner is kept instead of printed and the
 *   exit that follows it becomes a CompilerCrash thrown back out of asc.
 * - Binaryen's memory. Binaryen keeps its heap in a WebAssembly memory that
 *   grows up to 4 GiB, outside V8's heap limits: a 1 KiB source with a deep
 *   chain of @inline functions takes it there in seconds. While asc runs, a
 *   wasm memory may grow by at most `maxGrowthBytes` past its size at the
 *   compile's first growth; a refused growth fails Binaryen's allocation, asc
 *   crashes, and the CompilerCrash says the cap was hit. An ordinary strategy
 *   never grows it (Binaryen starts with ~16 MiB); a 1 MiB source of
 *   statements grows it to ~130 MiB.
 *
 * Both are process-wide hooks (asc offers no others), installed only for
 * the duration of `run` and only acting on what asc's crash path does: any
 * other process.exit or console.error passes through. One compile at a time
 * per thread (compileStrategy.ts queues them), so windows never overlap.
 */

/** Default growth cap of the compiler's memory, MiB: 8x what the largest source the compiler reads (1 MiB of statements) needs. */
export const DEFAULT_MAX_COMPILER_MEMORY_MB = 1024;

/** The first line of asc's crash banner ("…crashed during <stage> :-("). */
const CRASH_BANNER = /the AssemblyScript compiler has crashed during (.+?) :-\(/;
/** The line after "Here is the stack trace…" or "> …" in the banner: the thrown error itself. */
const CRASH_ERROR = /^\W*(?:> )?([A-Za-z]*Error\b.*)$/m;

const WASM_PAGE_BYTES = 65536;

/** asc crashed (or ran out of its memory cap) instead of finishing. */
export class CompilerCrash extends Error {
  constructor(
    /** asc's stage: "initialize", "compile", "optimize", "emitBinary", … */
    readonly stage: string,
    /** The thrown error's first line, when asc showed one ("RangeError: Maximum call stack size exceeded"). */
    readonly detail: string | null,
    /** A wasm memory growth was refused because it would pass the cap. */
    readonly memoryCapHit: boolean,
  ) {
    super(`the compiler crashed during ${stage}${detail === null ? "" : ` (${detail})`}`);
    this.name = "CompilerCrash";
  }
}

export async function runContained<T>(maxGrowthBytes: number, run: () => Promise<T>): Promise<T> {
  const realExit = process.exit;
  const realError = console.error;
  const realGrow = WebAssembly.Memory.prototype.grow;
  const baseBytes = new WeakMap<WebAssembly.Memory, number>();
  let crash: { stage: string; detail: string | null } | null = null;
  let capHit = false;

  console.error = function (this: Console, ...args: unknown[]): void {
    const text = args.map(String).join(" ");
    const banner = CRASH_BANNER.exec(text);
    if (banner === null) return realError.apply(this, args);
    crash = { stage: banner[1], detail: CRASH_ERROR.exec(text)?.[1].trim() ?? null };
  };
  process.exit = function (code?: number | string | null): never {
    if (crash === null) return realExit.call(process, code);
    throw new CompilerCrash(crash.stage, crash.detail, capHit);
  } as typeof process.exit;
  WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, deltaPages: number): number {
    const now = this.buffer.byteLength;
    if (!baseBytes.has(this)) baseBytes.set(this, now);
    if (now + deltaPages * WASM_PAGE_BYTES - baseBytes.get(this)! > maxGrowthBytes) {
      capHit = true;
      throw new RangeError(`WebAssembly.Memory.grow: compiler memory cap of ${maxGrowthBytes} bytes reached`);
    }
    return realGrow.call(this, deltaPages);
  };
  try {
    return await run();
  } catch (e) {
    // asc's crash handler may also end in a plain throw (a stage asc does not wrap).
    if (capHit && !(e instanceof CompilerCrash)) throw new CompilerCrash("compile", null, true);
    throw e;
  } finally {
    console.error = realError;
    process.exit = realExit;
    WebAssembly.Memory.prototype.grow = realGrow;
  }
}
