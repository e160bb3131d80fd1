/** What the service asks its compile runner for; the worker's messages are host/compiler/compileMessages.ts. */
export interface CompileJob {
  readonly source: string;
  readonly name: string;
  /** Whose compile it is: a tenant holds at most CompileLimits.maxPerTenant of the runner's slots and places in line. */
  readonly tenant?: string;
  /** Aborted when nobody waits for the answer any more (the client went away): a waiting compile leaves the line, a running one is stopped. */
  readonly signal?: AbortSignal;
  /** The compiler's own (Binaryen) memory cap, MiB; the runner's limit when absent. */
  readonly maxCompilerMemoryMb?: number;
}

export type { CompileOutcome } from "../../compiler/compileMessages.ts";
