/**
 * A strategy that does not compile, or compiles into a module that does not
 * meet guest ABI v1. `message` is one line a person can act on (the first
 * error with its file:line); `diagnostics` has every message, one per entry.
 */
export class CompileError extends Error {
  constructor(
    readonly summary: string,
    readonly diagnostics: readonly string[],
    /** Set when the compile was stopped by a resource cap rather than by the source's errors. */
    readonly limit: "memory" | null = null,
  ) {
    super(summary);
    this.name = "CompileError";
  }
}
