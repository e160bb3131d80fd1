/**
 * binaryen's `wasm-opt`, run in-process, many times.
 *
 * The binaryen package ships wasm-opt as an Emscripten-compiled Node script
 * (~10 MB of wasm inside a JS file). As a child process it takes ~1.3 s to
 * start, which would cap a campaign near one generated module per second.
 * Instead the script's source is evaluated once, inside a function scope we
 * control, with `noInitialRun`, and its `callMain` is called once per module
 * (~10 ms each, most of it wasm-opt's own work).
 *
 * Three things the stock script does that an in-process host must not allow:
 *   - its exit path sets `process.exitCode` (a failed wasm-opt run would
 *     change OUR exit code): `quit_` is replaced by a plain throw;
 *   - it writes diagnostics straight to fds 1 and 2 through `fs.writeSync`
 *     (NODERAWFS): it is handed an `fs` whose writes to fds 1/2 are captured;
 *   - it reads `process.argv`: `arguments` is passed explicitly, and
 *     `thisProgram` is fixed.
 * Files still go through the real file system (NODERAWFS), so callers keep
 * inputs and outputs in a private temp directory.
 *
 * Allocates freely; not for hot paths. One instance per thread.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { errorLine } from "../text/printable.ts";

/** What one `wasm-opt` invocation printed and returned. */
export interface WasmOptResult {
  readonly exitCode: number;
  /** stdout and stderr together, at most MAX_CAPTURE_CHARS. */
  readonly output: string;
}

const MAX_CAPTURE_CHARS = 4096;

interface EmscriptenApi {
  callMain(args: string[]): number;
  ready(): Promise<void>;
}

/** Path of the wasm-opt script in the installed binaryen package. */
export function wasmOptScriptPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("binaryen")), "bin", "wasm-opt");
}

export class InProcessWasmOpt {
  private captured = "";

  private constructor(private readonly api: EmscriptenApi) {}

  /** Loads and initialises wasm-opt (~150 ms). Rejects with a one-line Error when the script cannot be loaded. */
  static async load(scriptPath: string = wasmOptScriptPath()): Promise<InProcessWasmOpt> {
    let source = fs.readFileSync(scriptPath, "utf8");
    if (source.startsWith("#!")) source = "//" + source;
    let self: InProcessWasmOpt | null = null;
    const capture = (text: string): void => {
      if (self !== null && self.captured.length < MAX_CAPTURE_CHARS) self.captured += text.slice(0, MAX_CAPTURE_CHARS - self.captured.length);
    };
    // An fs whose writes to stdout/stderr land in `captured` instead of on the terminal.
    const quietFs = new Proxy(fs, {
      get(target, prop, receiver) {
        if (prop === "writeSync") {
          return (fd: number, buffer: Uint8Array | string, offset?: number, length?: number, position?: number): number => {
            if (fd === 1 || fd === 2) {
              if (typeof buffer === "string") {
                capture(buffer);
                return Buffer.byteLength(buffer);
              }
              const start = offset ?? 0;
              const len = length ?? buffer.byteLength - start;
              capture(Buffer.from(buffer.buffer, buffer.byteOffset + start, len).toString("utf8"));
              return len;
            }
            return (target.writeSync as (...a: unknown[]) => number)(fd, buffer, offset, length, position);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const realRequire = createRequire(scriptPath);
    const scopedRequire = (id: string): unknown => (id === "node:fs" || id === "fs" ? quietFs : realRequire(id));
    const module = {
      noInitialRun: true,
      noExitRuntime: true,
      arguments: [] as string[],
      thisProgram: "wasm-opt",
      print: capture,
      printErr: capture,
    };
    // Appended after the script's last statement, in the same scope: replace the
    // exit path, route the console printers to the capture, expose callMain.
    const tail = `
;quit_ = (status, toThrow) => { throw toThrow; };
out = (s) => Module.print(String(s) + "\\n");
err = (s) => Module.printErr(String(s) + "\\n");
return {
  callMain: (args) => callMain(args),
  ready: () => new Promise((resolve, reject) => {
    if (runtimeInitialized) return resolve();
    Module.onRuntimeInitialized = resolve;
    Module.onAbort = (what) => reject(new Error("wasm-opt aborted during load: " + String(what).split("\\n")[0]));
  }),
};`;
    let api: EmscriptenApi;
    try {
      const factory = new Function("Module", "require", "__filename", "__dirname", source + tail) as (...a: unknown[]) => EmscriptenApi;
      api = factory(module, scopedRequire, scriptPath, dirname(scriptPath));
      await api.ready();
    } catch (e) {
      throw new Error(`cannot load wasm-opt from ${scriptPath}: ${errorLine(e)}`);
    }
    self = new InProcessWasmOpt(api);
    return self;
  }

  /**
   * Runs `wasm-opt args...` and returns its exit code and output. Never
   * throws for a failing run (an exit or abort is reported as exitCode != 0);
   * after one the instance must not be used again (`usable` turns false).
   */
  run(args: readonly string[]): WasmOptResult {
    this.captured = "";
    let exitCode: number;
    try {
      exitCode = this.api.callMain([...args]);
    } catch (e) {
      this.broken = true;
      exitCode = 134;
      this.captured += `\n${errorLine(e)}`;
    }
    if (typeof exitCode !== "number") exitCode = 1;
    // A failing run left through exit() or abort() without C++ unwinding: its
    // heap may hold half-built state, so the instance is retired.
    if (exitCode !== 0) this.broken = true;
    return { exitCode, output: this.captured };
  }

  private broken = false;

  /** False once a run failed (its heap may be inconsistent): load a new instance. */
  get usable(): boolean {
    return !this.broken;
  }
}
