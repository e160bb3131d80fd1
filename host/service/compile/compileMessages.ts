/** What a compile worker is given (workerData) and what it posts back once. */
export interface CompileJob {
  readonly source: string;
  readonly name: string;
  /** The compiler's own (Binaryen) memory cap, MiB; the compiler's default when absent. */
  readonly maxCompilerMemoryMb?: number;
}

export type CompileOutcome =
  | { readonly ok: true; readonly wasm: Uint8Array; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly diagnostics: readonly string[] }
  /** Stopped by the compiler memory cap (CompileError.limit). */
  | { readonly ok: false; readonly limit: "memory"; readonly message: string; readonly diagnostics: readonly string[] };
