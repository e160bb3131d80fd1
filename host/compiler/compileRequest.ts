/**
 * Runs one CompileRequest and answers with a CompileOutcome, never a throw:
 * the body of a compile worker (compile.worker.ts), kept apart so that it
 * can be read without the worker plumbing.
 */
import { errorLine } from "../text/printable.ts";
import { CompileError, compileStrategy, compileStrategySource } from "./compileStrategy.ts";
import type { CompileOutcome, CompileRequest } from "./compileMessages.ts";

export async function compileRequest(request: CompileRequest): Promise<CompileOutcome> {
  const keep = request.maxDiagnostics ?? Infinity;
  try {
    const r = request.kind === "file"
      ? await compileStrategy(request.entryPath, { target: request.target, maxCompilerMemoryMb: request.maxCompilerMemoryMb })
      : await compileStrategySource(request.source, request.name, { maxCompilerMemoryMb: request.maxCompilerMemoryMb });
    return { ok: true, wasm: r.wasm, warnings: r.diagnostics.slice(0, keep) };
  } catch (e) {
    if (e instanceof CompileError) {
      const diagnostics = e.diagnostics.slice(0, keep);
      return e.limit === "memory" ? { ok: false, limit: "memory", message: e.summary, diagnostics } : { ok: false, message: e.summary, diagnostics };
    }
    return { ok: false, message: `the compiler failed: ${errorLine(e)}`, diagnostics: [] };
  }
}
