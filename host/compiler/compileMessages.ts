/**
 * What a compile worker (compile.worker.ts) is given as workerData and what
 * it posts back, once. Shared by `ringfence build` and the service's
 * compile runner; the worker's other side is compileWorker.ts.
 */
import type { AscTarget } from "./ascOptions.ts";

export type CompileRequest =
  /** A strategy on disk: its entry file, as compileStrategy() takes it (relative to the process's working directory). */
  | {
    readonly kind: "file";
    readonly entryPath: string;
    readonly target?: AscTarget;
    /** The compiler's own (Binaryen) memory cap, MiB; the compiler's default when absent. */
    readonly maxCompilerMemoryMb?: number;
    /** Diagnostics posted back at most; all of them when absent. */
    readonly maxDiagnostics?: number;
  }
  /** One uploaded source, as compileStrategySource() takes it. */
  | {
    readonly kind: "source";
    readonly source: string;
    readonly name: string;
    readonly maxCompilerMemoryMb?: number;
    readonly maxDiagnostics?: number;
  };

export type CompileOutcome =
  | { readonly ok: true; readonly wasm: Uint8Array; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly diagnostics: readonly string[] }
  /** Stopped by the compiler memory cap (CompileError.limit). */
  | { readonly ok: false; readonly limit: "memory"; readonly message: string; readonly diagnostics: readonly string[] };
