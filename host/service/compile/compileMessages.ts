/** What the service asks its compile runner for; the worker's messages are host/compiler/compileMessages.ts. */
export interface CompileJob {
  readonly source: string;
  readonly name: string;
  /** The compiler's own (Binaryen) memory cap, MiB; the runner's limit when absent. */
  readonly maxCompilerMemoryMb?: number;
}

export type { CompileOutcome } from "../../compiler/compileMessages.ts";
