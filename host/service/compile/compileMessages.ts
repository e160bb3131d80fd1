/** What a compile worker is given (workerData) and what it posts back once. */
export interface CompileJob {
  readonly source: string;
  readonly name: string;
}

export type CompileOutcome =
  | { readonly ok: true; readonly wasm: Uint8Array; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly diagnostics: readonly string[] };
